package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"hrss/rules"
	"hrss/rules/msg"
)

// The formulas' results as the command line writes them in --lang: each
// line's label is the catalogue's name of the value (name.*), as the
// trace names it.

func provisional(l msg.Lang, p bool) string {
	if p {
		return msg.Render(l, "cli.provisional")
	}
	return ""
}

func pensionSummary(l msg.Lang, res rules.PensionResult) string {
	return summary(l,
		line{"name.calc_base", res.CalcBase.String() + provisional(l, res.Provisional)},
		line{"name.age", msg.Render(l, "cli.rules.divisor_of_age", msg.Age("age", int(res.Age)), msg.Dec("divisor", res.Divisor))},
		line{"name.basic", res.Basic.String()}, line{"name.account", res.AccountPension.String()},
		line{"name.transitional", res.Transitional.String()}, line{"name.adjustment", res.Adjustment.String()},
		line{"name.subsidy", res.Subsidy.String()}, line{"name.total", res.Total.String()})
}

func retirementSummary(l msg.Lang, res rules.RetirementResult) string {
	return summary(l,
		line{"name.category", msg.Render(l, "category."+string(res.Category))},
		line{"name.birth", res.Birth.String()},
		line{"name.statutory_age", msg.Render(l, "cli.rules.age_delay", msg.Age("age", int(res.StatutoryAge)), msg.Int("delay", res.DelayMonths))},
		line{"name.retire_month", res.RetireMonth.String()},
		line{"cli.flexible_window", msg.Render(l, "cli.rules.window", msg.Month("earliest", res.EarliestMonth), msg.Month("latest", res.LatestMonth))},
		line{"name.min_contribution_months", msg.Render(l, "cli.rules.months_for", msg.Int("months", res.MinContributionMonths), msg.Int("year", res.RetireMonth.Year()))})
}

func unemploymentSummary(l msg.Lang, res rules.UnemploymentResult) string {
	text := res.Why.In(l) + "\n"
	if !res.Eligible {
		return text
	}
	return text + summary(l, line{"name.max_months", fmt.Sprint(res.MaxMonths)}, line{"name.monthly_amount", res.MonthlyAmount.String()})
}

func contributionSummary(l msg.Lang, res rules.ContributionResult) string {
	var b strings.Builder
	b.WriteString(summary(l, line{"name.base", res.Base.String()}))
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", msg.Render(l, "cli.col.insurance"), msg.Render(l, "cli.col.party"), msg.Render(l, "cli.col.rate"), msg.Render(l, "cli.col.amount"))
	for _, x := range res.Lines {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t\n", msg.Render(l, "insurance."+string(x.Insurance)), msg.Render(l, "cli.party."+string(x.Party)), x.Rate, x.Amount)
	}
	tw.Flush()
	b.WriteString(summary(l, line{"name.employer_total", res.EmployerTotal.String()}, line{"name.individual_total", res.IndividualTotal.String()},
		line{"cli.col.total", res.Total.String()}, line{"name.account_credit", res.AccountCredit.String()}))
	return b.String()
}

func accountSummary(l msg.Lang, res rules.AccountResult) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', tabwriter.AlignRight)
	cols := []string{"year", "opening", "credits", "rate", "months", "interest", "closing"}
	for _, c := range cols {
		fmt.Fprintf(tw, "%s\t", msg.Render(l, "cli.col."+c))
	}
	fmt.Fprintln(tw)
	for _, y := range res.Years {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t\n", y.Year, y.Opening, y.Credits, y.Rate, y.Months, y.Interest, y.Closing)
	}
	tw.Flush()
	b.WriteString(summary(l, line{"name.balance", res.Balance.String() + provisional(l, res.Provisional)}))
	return b.String()
}
