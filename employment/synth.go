package employment

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"hrss/registry"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Synth generates synthetic vacancies and seekers, deterministic for its
// seed, from the typical profiles of the demo occupations (demand share,
// education, salary band, skills). The demo city, the quality check and
// the benchmarks use it; it never produces a real person's data.
type Synth struct {
	rng      *rand.Rand
	cat      *Catalog
	profiles []occProfile
	cum      []int // cumulative demand
	divCum   []int
	divs     []string
	// neighbours is the neighbouring-division table of the embedded
	// parameters, its latest values: the same for every run of a seed.
	neighbours map[string][]string
}

type occProfile struct {
	code   OccupationCode
	edu    registry.Education
	salMin money.Fen
	salMax money.Fen
	skills []string
}

// generic skills any vacancy may add.
var genericSkills = []string{"office", "excel", "communication", "teamwork", "english"}

// divisionWeights are the county-level divisions' shares of the
// population (approximate resident populations, in ten thousands).
var divisionWeights = map[string]int{"330402": 62, "330411": 67, "330421": 65, "330424": 45, "330481": 108, "330482": 69, "330483": 103}

// NewSynth returns a generator over the demo catalog for seed.
func NewSynth(seed uint64) *Synth {
	g := &Synth{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), cat: DemoCatalog(),
		neighbours: EmbeddedRules(period.Date{Y: 9999, M: 12, D: 31}).Neighbours}
	rows, err := readTable(bytes.NewReader(demoOccupationsTSV), []string{"code", "demand", "education", "salary_min", "salary_max", "skills"}, nil)
	if err != nil {
		panic(err)
	}
	total := 0
	for _, r := range rows {
		f := r.fields
		d, _ := strconv.Atoi(f["demand"])
		lo, _ := strconv.ParseInt(f["salary_min"], 10, 64)
		hi, _ := strconv.ParseInt(f["salary_max"], 10, 64)
		g.profiles = append(g.profiles, occProfile{OccupationCode(f["code"]), registry.Education(f["education"]), money.Yuan(lo), money.Yuan(hi), strings.Split(f["skills"], ",")})
		total += d
		g.cum = append(g.cum, total)
	}
	for _, c := range registry.CountyCodes() {
		g.divs = append(g.divs, c)
		g.divCum = append(g.divCum, divisionWeights[c]+last(g.divCum))
	}
	return g
}

func last(s []int) int {
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}

// Reseed restarts g's random stream at seed: the demo city reseeds per
// person and per vacancy so that each row depends only on its own index.
func (g *Synth) Reseed(seed uint64) { g.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

// Rand returns g's random stream, for callers drawing alongside it.
func (g *Synth) Rand() *rand.Rand { return g.rng }

// sectionPrefixes maps GB/T 4754 sections to the occupation code
// prefixes their vacancies mostly come from (the rest are drawn from all).
var sectionPrefixes = map[string][]string{
	"A": {"5-"}, "B": {"6-"}, "C": {"6-", "2-02-07", "2-02-09", "2-02-11", "2-02-14", "2-02-15", "2-02-30", "3-01", "4-02-06"},
	"D": {"6-28", "2-02-11"}, "E": {"6-29", "2-02-18"}, "F": {"4-01", "4-02", "3-01"}, "G": {"4-01", "4-02"}, "H": {"4-03"},
	"I": {"2-02-10", "4-04", "2-09"}, "J": {"2-06"}, "K": {"4-06", "2-06"}, "L": {"2-06", "4-01", "3-01"}, "M": {"2-02", "2-09"},
	"N": {"4-07", "4-06"}, "O": {"4-07", "4-10"}, "P": {"2-08"}, "Q": {"2-05", "4-10"}, "R": {"2-09", "4-01"}, "S": {"3-01", "1-"},
}

// VacancyIn is Vacancy for an employer of GB/T 4754 section: 80% of the
// time the occupation is one its industry typically hires for.
func (g *Synth) VacancyIn(id, employerID int64, division, section string, today period.Date) Vacancy {
	prefixes := sectionPrefixes[section]
	if len(prefixes) == 0 || g.chance(20) {
		return g.Vacancy(id, employerID, division, today)
	}
	for tries := 0; tries < 30; tries++ {
		v := g.Vacancy(id, employerID, division, today)
		for _, p := range prefixes {
			if strings.HasPrefix(string(v.Occupation), p) {
				return v
			}
		}
	}
	return g.Vacancy(id, employerID, division, today)
}

// Catalog returns the demo catalog the generator draws from.
func (g *Synth) Catalog() *Catalog { return g.cat }

func (g *Synth) pick(cum []int) int {
	x := g.rng.IntN(last(cum))
	i, _ := slices.BinarySearch(cum, x+1)
	return i
}

// Division draws a county-level division by population share.
func (g *Synth) Division() string { return g.divs[g.pick(g.divCum)] }

func (g *Synth) profile() *occProfile { return &g.profiles[g.pick(g.cum)] }

func (g *Synth) chance(pct int) bool { return g.rng.IntN(100) < pct }

func (g *Synth) sample(pool []string, k int) []string {
	p := slices.Clone(pool)
	g.rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p[:min(k, len(p))]
}

func shiftEdu(e registry.Education, d int) registry.Education {
	r := max(0, min(len(registry.EducationLevels)-1, e.Rank()+d))
	return registry.EducationLevels[r]
}

func round100(f money.Fen) money.Fen { return (f + 5000) / 10000 * 10000 }

// Vacancy returns a vacancy of employer in division, posted up to 60
// days before today and valid 30 to 90 days.
func (g *Synth) Vacancy(id, employerID int64, division string, today period.Date) Vacancy {
	p := g.profile()
	o, _ := g.cat.Occupation(p.code)
	v := Vacancy{ID: id, EmployerID: employerID, Title: o.NameZH, Occupation: p.code, Division: division, Status: Open}
	v.Skills = g.sample(p.skills, 2+g.rng.IntN(4))
	for n := g.rng.IntN(3); n > 0; n-- {
		v.Skills = append(v.Skills, g.sample(g.profileOf(g.neighbour(p.code)).skills, 1)...)
	}
	if g.chance(50) {
		v.Skills = append(v.Skills, genericSkills[g.rng.IntN(len(genericSkills))])
	}
	slices.Sort(v.Skills)
	v.Skills = slices.Compact(v.Skills)
	v.Education = p.edu
	switch x := g.rng.IntN(10); {
	case x < 2:
		v.Education = shiftEdu(p.edu, -1)
	case x < 3:
		v.Education = shiftEdu(p.edu, 1)
	}
	v.Experience = []int{0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 5}[g.rng.IntN(12)]
	band := int64(p.salMax - p.salMin)
	v.SalaryMin = round100(p.salMin * money.Fen(90+g.rng.IntN(26)) / 100)
	v.SalaryMax = round100(v.SalaryMin + money.Fen(band*int64(40+g.rng.IntN(61))/100))
	v.Openings = []int{1, 1, 1, 1, 1, 2, 2, 3, 3, 5, 8, 12, 20}[g.rng.IntN(13)]
	v.ValidFrom = today.AddDays(-g.rng.IntN(61))
	v.ValidTo = v.ValidFrom.AddDays([]int{30, 60, 90}[g.rng.IntN(3)] + 60)
	return v
}

// SeekerFor returns a seeker drawn from v's profile with noise: the same
// or a neighbouring occupation, most of the required skills and a few
// others, education and experience near the requirement, a salary
// expectation within reach, the same or a nearby division. The quality
// check ranks v for such seekers.
func (g *Synth) SeekerFor(v Vacancy, id int64) SeekerRegistration {
	s := SeekerRegistration{ID: id, PersonID: id, Status: Active, Division: v.Division, Mobility: MobilityDivisions}
	s.Occupations = []OccupationCode{v.Occupation}
	if g.chance(20) {
		s.Occupations = append(s.Occupations, g.neighbour(v.Occupation))
	}
	if g.chance(30) {
		s.Occupations = append(s.Occupations, g.profile().code)
	}
	s.Occupations = slices.Compact(s.Occupations)
	for _, sk := range v.Skills {
		if g.chance(85) {
			s.Skills = append(s.Skills, sk)
		}
	}
	if p := g.profileOf(v.Occupation); p != nil {
		s.Skills = append(s.Skills, g.sample(p.skills, g.rng.IntN(3))...)
	}
	if g.chance(40) {
		s.Skills = append(s.Skills, genericSkills[g.rng.IntN(len(genericSkills))])
	}
	slices.Sort(s.Skills)
	s.Skills = slices.Compact(s.Skills)
	s.Education = shiftEdu(v.Education, []int{-1, 0, 0, 0, 0, 0, 1, 1, 1, 2}[g.rng.IntN(10)])
	s.Experience = max(0, v.Experience+[]int{-1, 0, 0, 1, 2}[g.rng.IntN(5)])
	s.SalaryMin = round100(v.SalaryMin*8/10 + money.Fen(g.rng.Int64N(int64(v.SalaryMax-v.SalaryMin*8/10)+1)))
	switch x := g.rng.IntN(20); {
	case x < 4:
		if ns := g.neighbours[v.Division]; len(ns) > 0 {
			s.Division = ns[g.rng.IntN(len(ns))]
			s.Divisions = []string{v.Division}
		}
	case x < 5:
		s.Division = g.Division()
		s.Mobility = MobilityCity
	default:
		if g.chance(50) {
			s.Mobility = MobilityCity
		}
	}
	return s
}

// neighbour returns another demo occupation in the same minor or medium
// category as c, or c itself if it has none.
func (g *Synth) neighbour(c OccupationCode) OccupationCode {
	var near []OccupationCode
	for _, p := range g.profiles {
		if p.code != c && proximityOf(p.code.key(), c.key()) <= SameMedium {
			near = append(near, p.code)
		}
	}
	if len(near) == 0 {
		return c
	}
	return near[g.rng.IntN(len(near))]
}

func (g *Synth) profileOf(c OccupationCode) *occProfile {
	for i := range g.profiles {
		if g.profiles[i].code == c {
			return &g.profiles[i]
		}
	}
	return nil
}

// Seeker returns a seeker registration for a person of the given
// education living in division, registered up to a year before today:
// desired occupations suited to the education, skills from their
// profiles, an expectation near their salary bands.
func (g *Synth) Seeker(id, personID int64, division string, edu registry.Education, graduate bool, today period.Date) SeekerRegistration {
	s := SeekerRegistration{ID: id, PersonID: personID, Division: division, Status: Active, Education: edu, Graduate: graduate, Mobility: MobilityDivisions}
	var p *occProfile
	for tries := 0; tries < 20; tries++ {
		p = g.profile()
		if d := edu.Rank() - p.edu.Rank(); d >= -1 && d <= 2 {
			break
		}
	}
	s.Occupations = []OccupationCode{p.code}
	if g.chance(40) {
		s.Occupations = append(s.Occupations, g.neighbour(p.code))
	}
	s.Skills = g.sample(p.skills, 1+g.rng.IntN(4))
	if g.chance(50) {
		s.Skills = append(s.Skills, genericSkills[g.rng.IntN(len(genericSkills))])
	}
	slices.Sort(s.Skills)
	s.Skills = slices.Compact(s.Skills)
	s.Occupations = slices.Compact(s.Occupations)
	if !graduate {
		s.Experience = g.rng.IntN(15)
	}
	s.SalaryMin = round100(p.salMin * money.Fen(85+g.rng.IntN(40)) / 100)
	if g.chance(45) {
		s.Mobility = MobilityCity
	} else if ns := g.neighbours[division]; len(ns) > 0 && g.chance(50) {
		s.Divisions = []string{ns[g.rng.IntN(len(ns))]}
	}
	s.OptOut = g.chance(2)
	s.Registered = today.AddDays(-g.rng.IntN(365))
	s.LastContact = s.Registered.AddDays(g.rng.IntN(max(1, s.Registered.DaysUntil(today)+1)))
	return s
}

// String describes g, for logs.
func (g *Synth) String() string { return fmt.Sprintf("synth(%d occupations)", len(g.profiles)) }
