package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"hrss/rules/fault"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// Parameters of the employment services (rules/params/employment.yaml).
const (
	parBriefingDays    = "employment.followup_briefing_days"
	parPackageDays     = "employment.followup_package_days"
	parAttributionDays = "employment.placement_attribution_days"
	parMatchWeight     = "employment.match_weight." // + a MatchComponents name
	parNeighbours      = "employment.neighbours."   // + a county-level division code
)

// MatchComponents names the six components of a match's score, in the
// order of EmploymentRules.Weights.
var MatchComponents = [6]string{"occupation", "skills", "education", "salary", "location", "experience"}

// EmploymentRules are the employment services' parameters in force on
// one day in one city.
type EmploymentRules struct {
	BriefingDays    int // the 1131 policy briefing and career guidance within these days of entering the follow-up list
	PackageDays     int // the whole 1131 package within these days
	AttributionDays int // how far back a service with the employer counts for a placement
	// Weights are the most points each component of a match's score can
	// give, in hundredths of a point, in MatchComponents' order; they sum
	// to 100.00 points.
	Weights [6]int64
	// Neighbours lists the neighbouring county-level divisions of each
	// county-level division of the city that has an entry.
	Neighbours map[string][]string
}

// EmploymentRules reads the employment services' parameters in force on
// day in city (a city's division code, e.g. 330400) for the counties
// given: the 1131 follow-up deadlines, the placement attribution window,
// the match weights and the neighbouring-division table. It fails when a
// parameter is not in force, when the weights are not whole hundredths
// of a point or do not sum to 100 points, or when a neighbour is not one
// of counties or not listed back as a neighbour.
func (p *Params) EmploymentRules(city string, counties []string, day period.Date) (EmploymentRules, error) {
	r := p.reader(city, nil)
	var m EmploymentRules
	for _, f := range []struct {
		name string
		to   *int
	}{{parBriefingDays, &m.BriefingDays}, {parPackageDays, &m.PackageDays}, {parAttributionDays, &m.AttributionDays}} {
		n, err := r.int(f.name, day)
		if err != nil {
			return EmploymentRules{}, err
		}
		*f.to = n
	}
	var sum int64
	for i, c := range MatchComponents {
		d, err := r.dec(parMatchWeight+c, day)
		if err != nil {
			return EmploymentRules{}, err
		}
		h := d.Shift(2)
		if !h.IsInteger() {
			return EmploymentRules{}, fault.InvalidMsg(parMatchWeight+c, "employment.match_weight", "error.employment.weight_decimals", msg.Dec("weight", d))
		}
		m.Weights[i] = h.IntPart()
		sum += m.Weights[i]
	}
	if sum != 10000 {
		return EmploymentRules{}, fault.InvalidMsg(parMatchWeight+"*", "employment.match_weight", "error.employment.weight_sum", msg.Dec("sum", decimal.New(sum, -2)))
	}
	var err error
	m.Neighbours, err = neighbours(r, counties, day)
	return m, err
}

// neighbours reads the neighbouring-division table of counties and checks
// that it is symmetric and names only those counties.
func neighbours(r reader, counties []string, day period.Date) (map[string][]string, error) {
	out := map[string][]string{}
	for _, c := range counties {
		v, ok, err := r.opt(parNeighbours+c, day)
		if err != nil {
			return nil, err
		}
		if ok {
			out[c] = v.Divisions()
		}
	}
	// in the counties' order, a neighbour outside them first: the error
	// named is the same on every run
	for _, c := range counties {
		for _, n := range out[c] {
			if !slices.Contains(counties, n) {
				return nil, fault.InvalidMsg(parNeighbours+c, "employment.neighbours", "error.employment.neighbour_outside", msg.Text("division", n))
			}
		}
	}
	for _, c := range counties {
		for _, n := range out[c] {
			if !slices.Contains(out[n], c) {
				return nil, fault.InvalidMsg(parNeighbours+n, "employment.neighbours", "error.employment.neighbour_symmetric", msg.Text("county", c), msg.Text("neighbour", n))
			}
		}
	}
	return out, nil
}

// Divisions returns the codes of a divisions value, in the order written.
func (v Value) Divisions() []string {
	codes, _ := parseDivisions(v.Text)
	return codes
}

// parseDivisions reads a list of division codes separated by spaces: each
// a GB/T 2260 code, none twice.
func parseDivisions(text string) ([]string, error) {
	codes := strings.Fields(text)
	for i, c := range codes {
		if !validDivision(c) {
			return nil, fmt.Errorf("%q is not a six-digit division code", c)
		}
		if slices.Contains(codes[:i], c) {
			return nil, fmt.Errorf("division %s is listed twice", c)
		}
	}
	return codes, nil
}
