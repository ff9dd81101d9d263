package rules

import (
	"testing"

	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// TestProjection checks the estimate against the rules it composes: the
// chosen month's pension is Pension of the projected account and
// years, and more years of work never lower the account.
func TestProjection(t *testing.T) {
	p, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	in := ProjectionInput{Division: "330402", Birth: period.New(1975, 8), Category: Male, From: period.New(2026, 3),
		Balance: money.Yuan(80000), ContributionYears: money.MustDec("25"), Index: money.MustDec("1"), Wage: money.Yuan(9000)}
	est, err := p.Project(in)
	if err != nil {
		t.Fatal(err)
	}
	if est.Pension == nil || len(est.Points) < 3 {
		t.Fatalf("estimate %+v", est)
	}
	want, err := p.Pension(PensionInput{Division: in.Division, Birth: in.Birth, Retire: est.Chosen, AverageIndex: est.Index, ContributionYears: est.ContributionYears,
		AccountBalance: est.AccountAt}, false)
	if err != nil || want.Total != est.Pension.Total {
		t.Errorf("pension %v, rules say %v (%v)", est.Pension.Total, want.Total, err)
	}
	last := money.Fen(0)
	for _, pt := range est.Points {
		a := pt.Account
		if a < last {
			t.Errorf("the account falls at %s: %v after %v", pt.Retire, a, last)
		}
		last = a
	}
	if est.Chosen != est.Retirement.RetireMonth {
		t.Errorf("chosen %s, statutory %s", est.Chosen, est.Retirement.RetireMonth)
	}
	in.Retire = est.Retirement.LatestMonth.Add(1)
	if _, err := p.Project(in); fault.KindOf(err) != fault.Invalid {
		t.Errorf("a month outside the window: %v", err)
	}
}
