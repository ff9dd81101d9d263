package insurance_test

import (
	"fmt"
	"testing"

	"hrss/insurance"
	"hrss/rules/money"
	"hrss/store"
	"hrss/store/storetest"
)

var payFiles int

// payAll pays every bill of p in full through a collection file.
func payAll(t *testing.T, c *city, p string) {
	t.Helper()
	payEmployers(t, c, p, func(int64) bool { return true })
}

// payEmployers pays in full, through a collection file, the bills of p
// of the employers that pay says.
func payEmployers(t *testing.T, c *city, p string, pay func(employer int64) bool) {
	t.Helper()
	payFiles++
	bills := billMap(t, c.svc, ym(p))
	var lines []string
	for k, b := range bills {
		if k[0] != 1 || b.Unpaid() == 0 || !pay(k[1]) {
			continue
		}
		lines = append(lines, fmt.Sprintf("%s,%s,%s,PAY-%d-%s-%d,%s", c.employers[k[1]-1].CreditCode, p, b.Unpaid(), payFiles, p, k[1], b.DueDate))
	}
	if _, err := c.svc.ImportCollections(system(), "pay.csv", csvOf(lines...)); err != nil {
		t.Fatal(err)
	}
}

func TestAccountCreditsInterestStatement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		c := newCity(t, db, 20)
		legacy := []insurance.LegacyYear{
			{PersonID: 1, Year: 2022, Months: 12, AverageBase: 600_000, AverageWage: 743_700, Credits: 576_000, Interest: 20_000},
			{PersonID: 1, Year: 2023, Months: 12, AverageBase: 620_000, AverageWage: 802_000, Credits: 595_200, Interest: 30_000},
		}
		if err := c.svc.ImportLegacy(system(), "legacy-2024", legacy); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"2024-01", "2024-02"} {
			if _, err := c.svc.Assess(system(), ym(p), insurance.AssessOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		payAll(t, c, "2024-01") // paid before the close: credited at the close
		for _, p := range []string{"2024-01", "2024-02"} {
			if _, err := c.svc.Close(system(), ym(p), insurance.CloseOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		payAll(t, c, "2024-02") // paid after the close: credited at the payment
		yc, err := c.svc.CloseYear(system(), 2024)
		if err != nil {
			t.Fatal(err)
		}
		again, err := c.svc.CloseYear(system(), 2024)
		if err != nil || !again.Already || again.ID != yc.ID {
			t.Fatalf("second close %+v %v", again, err)
		}
		st, err := c.svc.Statement(system(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Years) != 3 || st.Years[2].Months != 2 || !st.Years[2].Closed {
			t.Fatalf("statement %+v", st)
		}
		credits := st.Years[2].Credits
		floor, _, _ := c.svc.Params.BaseLimits("330411", ym("2024-01"))
		if credits != 2*max(c.jobs[0].DeclaredWage, floor).MulRatePPM(80_000) {
			t.Fatalf("credits %s for base %s", credits, c.jobs[0].DeclaredWage)
		}
		opening := money.Fen(576_000 + 20_000 + 595_200 + 30_000)
		r := money.MustDec("0.0262")
		interest := money.RoundHalfUp(opening.Dec().Mul(r).Add(credits.Dec().Mul(r).Mul(money.MustDec("1.083")).Div(money.MustDec("2"))))
		if st.Years[2].Interest != interest || st.Balance != opening+credits+interest {
			t.Fatalf("interest %s balance %s, want %s and %s", st.Years[2].Interest, st.Balance, interest, opening+credits+interest)
		}
		mustCheck(t, c.svc)
		if yc.Persons == 0 {
			t.Fatalf("year close %+v", yc)
		}
	})
}
