package insight

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/money"
)

// TargetInput is a target as leadership enters it.
type TargetInput struct {
	Year      int    `json:"year"`
	Indicator string `json:"indicator"`
	Division  string `json:"division"` // 330400 for the city
	Value     string `json:"value"`    // a count, an amount in yuan, or a rate in percent
	// UpdatedAt is the set_at of the target the caller read (the zero
	// time "0001-01-01T00:00:00Z" for one not set yet): the change is
	// refused (409) if the target was set since (access.UnchangedSince).
	UpdatedAt string `json:"updated_at,omitempty"`
}

// SetTarget sets (or replaces) the year's target of one indicator and
// division, audited with who set it. Leadership (analysts) and System set
// targets. For an additive indicator the divisions' targets may not add
// up to more than the city's, and must equal it once all seven are set;
// it fails with Invalid naming the field and rule otherwise, and with
// Conflict (rule record.changed) if the target was set since in.UpdatedAt.
func (s *Service) SetTarget(ctx context.Context, in TargetInput) (Target, error) {
	c, err := access.Require(ctx, access.SetTargets)
	if err != nil {
		return Target{}, err
	}
	ind, t, err := s.parseTarget(in)
	if err != nil {
		return Target{}, err
	}
	t.SetBy, t.SetAt = c.Actor(), s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		all, err := tx.Targets(ctx, t.Year)
		if err != nil {
			return err
		}
		last, err := unchanged(all, t, in.UpdatedAt)
		if err != nil {
			return err
		}
		t.SetAt = access.Touched(last, t.SetAt)
		if ind.Additive {
			if err := addsUp(ind, replace(all, t)); err != nil {
				return err
			}
		}
		if err := tx.PutTarget(ctx, t); err != nil {
			return err
		}
		return access.Record(ctx, tx, c, s.now(), access.Event{Action: "insight.target.set",
			Object: fmt.Sprintf("target/%d/%s/%s = %s", t.Year, t.Indicator, t.Division, t.Text)})
	})
	return t, err
}

// unchanged returns when the year's target of t's indicator and division,
// among all, was last set (the zero time: never), refusing to set t if
// that was after seen.
func unchanged(all []Target, t Target, seen string) (time.Time, error) {
	var at time.Time
	for _, o := range all {
		if o.Indicator == t.Indicator && o.Division == t.Division {
			at = o.SetAt
		}
	}
	return at, access.UnchangedSince(seen, at, "target", fmt.Sprintf("%d %s %s", t.Year, t.Indicator, t.Division))
}

// parseTarget checks a target's fields and reads its value in the
// indicator's unit.
func (s *Service) parseTarget(in TargetInput) (Indicator, Target, error) {
	ind, ok := ByName(in.Indicator)
	if !ok {
		return ind, Target{}, fault.Invalidf("indicator", "indicator.known", "%q is not an indicator (%s)", in.Indicator, names())
	}
	if in.Year < 2000 || in.Year > s.today().Y+1 {
		return ind, Target{}, fault.Invalidf("year", "target.year", "year %d must lie between 2000 and next year", in.Year)
	}
	if in.Division != registry.CityCode && !contains(registry.CountyCodes(), in.Division) {
		return ind, Target{}, fault.Invalidf("division", "division.known", "%q is not the city (330400) or one of its divisions", in.Division)
	}
	if !ind.Additive && in.Division != registry.CityCode && ind.Unit != Percent {
		return ind, Target{}, fault.Invalidf("division", "target.division", "indicator %s is not additive: set the city's target", ind.Name)
	}
	v, text, err := parseValue(ind.Unit, in.Value)
	if err != nil {
		return ind, Target{}, err
	}
	return ind, Target{Year: in.Year, Indicator: ind.Name, Division: in.Division, Value: v, Text: text}, nil
}

// parseValue reads a target value: a whole count, yuan with at most two
// decimals, or a percent from 0 to 100 with at most two decimals.
func parseValue(u Unit, s string) (int64, string, error) {
	s = strings.TrimSpace(s)
	switch u {
	case Count:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return 0, "", fault.Invalidf("value", "target.count", "%q is not a whole number of 0 or more", s)
		}
		return n, fmt.Sprint(n), nil
	case Money:
		f, err := money.Parse(s)
		if err != nil || f < 0 {
			return 0, "", fault.Invalidf("value", "target.money", "%q is not an amount in yuan (two decimals at most)", s)
		}
		return int64(f), f.String(), nil
	}
	f, err := money.Parse(s) // hundredths, like fen
	if err != nil || f < 0 || f > 10000 {
		return 0, "", fault.Invalidf("value", "target.percent", "%q is not a percent from 0 to 100 (two decimals at most)", s)
	}
	return int64(f), f.String(), nil
}

// replace returns ts with t in place of the target of its key.
func replace(ts []Target, t Target) []Target {
	out := []Target{t}
	for _, x := range ts {
		if x.Indicator != t.Indicator || x.Division != t.Division {
			out = append(out, x)
		}
	}
	return out
}

// addsUp checks the divisions' targets of an additive indicator against
// the city's: never more, and equal when every division has one.
func addsUp(ind Indicator, ts []Target) error {
	var city *Target
	var sum int64
	n := 0
	for i := range ts {
		switch {
		case ts[i].Indicator != ind.Name:
		case ts[i].Division == registry.CityCode:
			city = &ts[i]
		default:
			sum += ts[i].Value
			n++
		}
	}
	if city == nil {
		return nil
	}
	render := func(v int64) string { return Figure{Num: v}.Text(ind.Unit) }
	if sum > city.Value {
		return fault.Invalidf("value", "target.breakdown", "the divisions' targets of %s add up to %s, more than the city's %s", ind.Name, render(sum), render(city.Value))
	}
	if n == len(registry.CountyCodes()) && sum != city.Value {
		return fault.Invalidf("value", "target.breakdown", "the seven divisions' targets of %s add up to %s, not the city's %s", ind.Name, render(sum), render(city.Value))
	}
	return nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// Targets lists the year's targets; whoever reads the indicators may.
func (s *Service) Targets(ctx context.Context, year int) ([]Target, error) {
	if _, err := access.Require(ctx, access.ReadAggregates); err != nil {
		return nil, err
	}
	var out []Target
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.Targets(ctx, year)
		return err
	})
	return out, err
}
