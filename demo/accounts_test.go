package demo

import (
	"reflect"
	"testing"

	"hrss/registry"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

func TestLegacyYears(t *testing.T) {
	params, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	rels := []registry.Employment{
		{ID: 1, PersonID: 7, Start: period.Date{Y: 1995, M: 7, D: 1}, End: period.Date{Y: 2010, M: 3, D: 31}, DeclaredWage: money.Yuan(3000), Insurances: registry.AllInsurances},
		{ID: 2, PersonID: 7, Start: period.Date{Y: 2012, M: 1, D: 1}, DeclaredWage: money.Yuan(9000), Insurances: registry.AllInsurances},
		{ID: 3, PersonID: 8, Start: period.Date{Y: 2020, M: 1, D: 1}, DeclaredWage: money.Yuan(9000), Insurances: []registry.Insurance{registry.Medical}},
	}
	flex := []registry.FlexibleWorker{{ID: 1, PersonID: 9, Start: period.Date{Y: 2021, M: 4, D: 1}, BasePct: 100}}
	a := LegacyYears(rels, flex, params)
	b := LegacyYears(rels, flex, params)
	if !reflect.DeepEqual(a, b) || len(a) == 0 {
		t.Fatalf("not deterministic or empty: %d records", len(a))
	}
	months := map[int64]int{}
	for _, y := range a {
		months[y.PersonID] += y.Months
		if y.Months > 0 && y.Credits != money.Fen(int64(y.Months))*y.AverageBase.MulRatePPM(80_000) && y.Credits-money.Fen(int64(y.Months))*y.AverageBase.MulRatePPM(80_000) > money.Fen(y.Months) {
			t.Errorf("year %+v: credits are not 8%% of the bases", y)
		}
	}
	// person 7: 1995-07..2010-03 (177 months) and 2012-01..2023-12 (144)
	if months[7] != 177+144 || months[8] != 0 || months[9] != 33 {
		t.Fatalf("months %v", months)
	}
}
