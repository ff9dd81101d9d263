package rules_test

import (
	"math/rand/v2"
	"testing"
	"testing/quick"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

var jiaxing = []string{"330402", "330411", "330421", "330424", "330481", "330482", "330483", "330400"}

// floatLevels are the work-injury floats of RULES.md §3 [U], in percent.
var floatLevels = []int{50, 80, 100, 120, 150}

// randomPerson draws a person-month in Jiaxing between 2024-01 and 2027-12.
func randomPerson(r *rand.Rand) rules.Person {
	p := rules.Person{
		Division:  jiaxing[r.IntN(len(jiaxing))],
		Kind:      rules.KindEmployee,
		Wage:      money.Fen(r.Int64N(6_000_000)), // 0 to 60,000 yuan
		RiskClass: 1 + r.IntN(8),
		FloatPct:  floatLevels[r.IntN(len(floatLevels))],
		Period:    period.New(2024, 1).Add(r.IntN(48)),
	}
	if r.IntN(10) == 0 {
		p.Kind, p.RiskClass, p.FloatPct = rules.KindFlexible, 0, 0
	}
	if p.RiskClass == 1 && p.FloatPct < 100 {
		p.FloatPct = 100 // class I cannot float down
	}
	if r.IntN(20) == 0 {
		p.Wage = money.Fen(r.Int64N(100)) * 50 // round amounts near half-fen boundaries
	}
	return p
}

// TestPropertyContribution: the base always lies within floor and ceiling,
// and the party totals are the sums of the lines.
func TestPropertyContribution(t *testing.T) {
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	check := func(seed uint64) bool {
		r := rand.New(rand.NewPCG(seed, 7))
		pop := rules.NewPopulation(1)
		if err := pop.Append(randomPerson(r)); err != nil {
			t.Fatal(err)
		}
		in := pop.Input(0, 0)
		res, err := p.Contribution(in, false)
		if err != nil {
			t.Errorf("%+v: %v", in, err)
			return false
		}
		floor, ceiling, err := p.BaseLimits(in.Division, in.Period)
		if err != nil || res.Base < floor || res.Base > ceiling || floor > ceiling {
			t.Errorf("%+v: base %s outside [%s, %s] (%v)", in, res.Base, floor, ceiling, err)
			return false
		}
		var emp, ind money.Fen
		for _, l := range res.Lines {
			if l.Party == rules.Employer {
				emp += l.Amount
			} else {
				ind += l.Amount
			}
		}
		if emp != res.EmployerTotal || ind != res.IndividualTotal || emp+ind != res.Total {
			t.Errorf("%+v: totals %s + %s = %s, lines give %s + %s", in, res.EmployerTotal, res.IndividualTotal, res.Total, emp, ind)
			return false
		}
		return true
	}
	if err := quick.Check(check, &quick.Config{MaxCount: 3000}); err != nil {
		t.Error(err)
	}
}

// TestPropertyRetirementMonotonic: the retirement month (and the statutory
// age) never decreases as the birth month increases, and the delay stays
// within its cap.
func TestPropertyRetirementMonotonic(t *testing.T) {
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	caps := map[rules.Category]int{rules.Male: 36, rules.Female55: 36, rules.Female50: 60}
	for c, maxDelay := range caps {
		var prevMonth period.YearMonth
		prevAge := rules.Age(0)
		for b := period.New(1940, 1); b <= period.New(2010, 12); b++ {
			res, err := p.RetirementAge(rules.RetirementInput{Category: c, Birth: b}, false)
			if err != nil {
				t.Fatalf("%s %s: %v", c, b, err)
			}
			if res.RetireMonth < prevMonth || res.StatutoryAge < prevAge {
				t.Fatalf("%s %s: retires %s at %s, before the previous birth month's %s at %s", c, b, res.RetireMonth, res.StatutoryAge, prevMonth, prevAge)
			}
			if res.DelayMonths < 0 || res.DelayMonths > maxDelay || res.EarliestMonth > res.RetireMonth || res.LatestMonth < res.RetireMonth {
				t.Fatalf("%s %s: bad result %+v", c, b, res)
			}
			prevMonth, prevAge = res.RetireMonth, res.StatutoryAge
		}
	}
}

// TestPropertyDivisorDecreasing: the divisor never increases with age and
// always lies between the whole ages around it.
func TestPropertyDivisorDecreasing(t *testing.T) {
	p, _ := rules.Embedded()
	prev := money.MustDec("1000")
	for a := rules.Age(40 * 12); a <= 70*12; a++ {
		d, err := p.Divisor(a, period.New(2025, 1), "", false)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		if d.Divisor.GreaterThan(prev) {
			t.Fatalf("%s: divisor %s above the previous %s", a, d.Divisor, prev)
		}
		prev = d.Divisor
	}
}
