package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"hrss/rules/money"
	"hrss/rules/period"
)

// The units a parameter may have: a closed set, checked when a parameter
// file is loaded. Every number is read from its text as written, never
// through binary floating point.
const (
	UnitYuan         = "yuan"           // an amount of money, at most two decimals
	UnitYuanPerMonth = "yuan_per_month" // a monthly amount of money, at most two decimals
	UnitRate         = "rate"           // a fraction of a base, 0 to 1, at most 6 decimals (0.16 is 16%)
	UnitRatePerDay   = "rate_per_day"   // a fraction per day, 0 to 1, at most 6 decimals (0.0005 is 0.05%/day)
	UnitFactor       = "factor"         // a dimensionless multiplier, 0 or more (0.9, 1.083, 3)
	UnitMonths       = "months"         // a whole number of months, 0 or more
	UnitYears        = "years"          // a whole number of years, 0 or more
	UnitYearMonth    = "year_month"     // a calendar month, YYYY-MM
	UnitTier         = "tier"           // a tier number, 1 or more
	UnitCount        = "count"          // a whole number of occurrences, 1 or more
	UnitDays         = "days"           // a whole number of days, 0 or more
	UnitDivisions    = "divisions"      // a list of division codes, separated by spaces (330411 330421)
	UnitTable        = "table"          // rows of integer key → number; the file names the key and the unit of the numbers
)

// unitDoc describes each unit; its keys are the closed set of units.
var unitDoc = map[string]string{
	UnitYuan:         "yuan, at most two decimals",
	UnitYuanPerMonth: "yuan per month, at most two decimals",
	UnitRate:         "fraction from 0 to 1, at most 6 decimals",
	UnitRatePerDay:   "fraction per day from 0 to 1, at most 6 decimals",
	UnitFactor:       "dimensionless number, 0 or more",
	UnitMonths:       "whole months",
	UnitYears:        "whole years",
	UnitYearMonth:    "month YYYY-MM",
	UnitTier:         "tier number from 1",
	UnitCount:        "whole number of occurrences from 1",
	UnitDays:         "whole days",
	UnitDivisions:    "division codes separated by spaces",
	UnitTable:        "table of integer key to number",
}

// tableKeys is the closed set of what a table's keys may mean.
var tableKeys = map[string]string{
	"age_years":          "whole age in years",
	"year":               "calendar year",
	"risk_class":         "work-injury industry risk class, 1 to 8",
	"tier":               "minimum-wage tier",
	"contribution_years": "whole years of contribution",
	"loan_year":          "year of a loan, 1 for its first twelve months",
}

// TableRow is one row of a table-valued parameter.
type TableRow struct {
	Key   int       // the row key, e.g. an age or a risk class
	Value money.Dec // the number, in the table's unit (Of)
	Text  string    // the number as written
}

func unitList() string {
	var s []string
	for u := range unitDoc {
		s = append(s, u)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

func tableKeyList() string {
	var s []string
	for k := range tableKeys {
		s = append(s, k)
	}
	sort.Strings(s)
	return strings.Join(s, ", ")
}

// parseNumber reads text as a number in unit (any unit but table and
// year_month) and checks its range.
func parseNumber(unit, text string) (money.Dec, error) {
	switch unit {
	case UnitYuan, UnitYuanPerMonth:
		f, err := money.Parse(text)
		if err != nil || f < 0 {
			return money.Dec{}, fmt.Errorf("%q is not an amount in yuan (0 or more, at most two decimals)", text)
		}
		return f.Dec(), nil
	case UnitDivisions:
		n, err := parseDivisions(text)
		return decimal.NewFromInt(int64(len(n))), err
	case UnitMonths, UnitYears, UnitTier, UnitCount, UnitDays:
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 || ((unit == UnitTier || unit == UnitCount) && n < 1) || strings.HasPrefix(text, "+") {
			return money.Dec{}, fmt.Errorf("%q is not a whole number of %s", text, unit)
		}
		return decimal.NewFromInt(int64(n)), nil
	}
	d, err := money.ParseDec(text)
	if err != nil {
		return money.Dec{}, fmt.Errorf("%q is not a plain decimal number", text)
	}
	if d.IsNegative() {
		return money.Dec{}, fmt.Errorf("%q is negative", text)
	}
	if unit == UnitRate || unit == UnitRatePerDay {
		if d.GreaterThan(decimal.NewFromInt(1)) {
			return money.Dec{}, fmt.Errorf("rate %q is above 1 (write 16%% as 0.16)", text)
		}
		if !d.Shift(6).IsInteger() {
			return money.Dec{}, fmt.Errorf("rate %q has more than 6 decimals", text)
		}
	}
	return d, nil
}

// parseYearMonth reads a year_month value.
func parseYearMonth(text string) (period.YearMonth, error) { return period.ParseYearMonth(text) }
