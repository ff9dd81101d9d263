package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hrss/access"
	"hrss/demo"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// demoClaimsPerMonth caps the claims of each kind the demo opens in a
// month. A city of a million has about two thousand retirements and as
// many new unemployment registrations a month; two hundred of each show
// the claims, their decisions and the payment runs on every screen while
// the demo of a large city stays a matter of seconds longer.
const demoClaimsPerMonth = 200

// The demo's claims are prepared by one caseworker and decided by
// another (four-eyes), both city-wide.
const (
	demoPreparer = "demo-caseworker"
	demoReviewer = "demo-reviewer"
)

// claimTally is what the demo's line of one kind of claim reports.
type claimTally struct {
	opened, approved, capped, payments int
	refused                            map[string]int // by the rule the service names
	paid                               money.Fen
}

// demoClaim is a claim the demo opens in its month: open does it
// through the service.
type demoClaim struct {
	month period.YearMonth
	open  func(context.Context, *insurance.Service) (insurance.Claim, error)
}

// demoClaims opens benefit claims through the insurance service as the
// bureau would have over the demo's months (all of them but the current
// one, cfg.AsOf's month, which the bureau's own run pays), month by
// month: pension claims of the persons who retired (the month after
// their retirement, in their category as the retirement date says),
// unemployment claims of the persons registered unemployed after an
// involuntary end, each approved by a reviewer other than its preparer;
// then it runs the month's pension and unemployment payments (Pay).
// Claims the rules refuse are counted by rule. Last it scans for the
// provisional pensions to recompute (a pension of a year whose base is
// not published waits for it). It prints one line per kind and the scan's.
func demoClaims(ctx context.Context, g *globals, a *app, cfg demo.Config, months int, jobs *demo.JobsSummary) error {
	if months == 0 {
		return nil
	}
	svc, err := insuranceService(g, a)
	if err != nil {
		return err
	}
	start := time.Now()
	first, last := cfg.AsOf.Month().Add(-months), cfg.AsOf.Month().Add(-1)
	kinds := []insurance.ClaimKind{insurance.ClaimPension, insurance.ClaimUnemployment}
	todo := map[insurance.ClaimKind][]demoClaim{
		insurance.ClaimPension:      pensionClaims(svc.Params, jobs.Retired),
		insurance.ClaimUnemployment: unemploymentClaims(a, jobs.Claimable, first),
	}
	tally := map[insurance.ClaimKind]*claimTally{}
	for _, k := range kinds {
		tally[k] = &claimTally{refused: map[string]int{}}
	}
	for p := first; p <= last; p++ {
		day := p.First().AddDays(9).Time().Add(9 * time.Hour)
		svc.Now = func() time.Time { return day }
		for _, k := range kinds {
			if err := openDemoClaims(ctx, svc, todo[k], p, tally[k]); err != nil {
				return fmt.Errorf("demo %s claims of %s: %w", k, p, err)
			}
			run, err := svc.Pay(systemContext(ctx), k, p, "")
			if err != nil {
				return fmt.Errorf("demo %s payments of %s: %w", k, p, err)
			}
			tally[k].payments += run.Added
			tally[k].paid += run.AddedSum
		}
	}
	// the scheduled scan's first run: a pension of a year whose base is not
	// yet published stays provisional, waiting for it (hrss pensions recompute)
	scan, err := svc.ScanRecomputations(systemContext(ctx), 0)
	if err != nil {
		return fmt.Errorf("demo pension recomputations: %w", err)
	}
	fmt.Fprintf(g.stdout, "benefit claims, %s to %s (prepared by %s, decided by %s; at most %d a month of each kind), in %s:\n",
		first, last, demoPreparer, demoReviewer, demoClaimsPerMonth, time.Since(start).Round(time.Millisecond))
	for _, k := range kinds {
		t := tally[k]
		fmt.Fprintf(g.stdout, "  %-12s %5d opened, %5d refused%s, %5d approved; %6d benefit months paid, %14s yuan%s\n",
			k, t.opened, refusedTotal(t.refused), refusedText(t.refused), t.approved, t.payments, t.paid, cappedText(t.capped))
	}
	fmt.Fprintf(g.stdout, "  pension recomputations: %d prepared for review, %d provisional pensions wait for their year's calculation base\n", len(scan.Prepared), scan.Waiting)
	return nil
}

// openDemoClaims opens and approves the claims of month p, up to
// demoClaimsPerMonth; a claim the rules refuse is counted by its rule.
func openDemoClaims(ctx context.Context, svc *insurance.Service, todo []demoClaim, p period.YearMonth, t *claimTally) error {
	prep, err := claimCaller(ctx, demoPreparer, access.Caseworker)
	if err != nil {
		return err
	}
	review, err := claimCaller(ctx, demoReviewer, access.Reviewer)
	if err != nil {
		return err
	}
	n := 0
	for _, c := range todo {
		if c.month != p {
			continue
		}
		if n == demoClaimsPerMonth {
			t.capped++
			continue
		}
		n++
		cl, err := c.open(prep, svc)
		if fault.KindOf(err) == fault.Invalid {
			t.refused[fault.RuleOf(err)]++
			continue
		}
		if err != nil {
			return err
		}
		t.opened++
		if _, err := svc.Approve(review, cl.ID, true); err != nil {
			return err
		}
		t.approved++
	}
	return nil
}

// pensionClaims are the pension claims of the persons retired: the
// first month of pension is the month after the retirement, the category
// the one whose statutory month (rules.Params.RetirementAge) is the month
// of the retirement (for women, 55 or 50). The claim is opened in its
// first month, with no deemed years.
func pensionClaims(params *rules.Params, retired []demo.Separation) []demoClaim {
	var out []demoClaim
	for _, r := range retired {
		cat, ok := retiredCategory(params, r)
		if !ok {
			continue
		}
		in := insurance.PensionClaimInput{PersonID: r.PersonID, Category: cat, Retire: r.Ended.Month().Add(1).String()}
		out = append(out, demoClaim{month: r.Ended.Month().Add(1), open: func(ctx context.Context, svc *insurance.Service) (insurance.Claim, error) {
			return svc.OpenPensionClaim(ctx, in)
		}})
	}
	return out
}

// retiredCategory is the category of a person who retired on r.Ended at
// the statutory age; false if none gives that month.
func retiredCategory(params *rules.Params, r demo.Separation) (rules.Category, bool) {
	cats := []rules.Category{rules.Female55, rules.Female50}
	if r.Male {
		cats = []rules.Category{rules.Male}
	}
	for _, c := range cats {
		res, err := params.RetirementAge(rules.RetirementInput{Category: c, Birth: r.Birth.Month()}, false)
		if err == nil && res.RetireMonth == r.Ended.Month() {
			return c, true
		}
	}
	return "", false
}

// unemploymentClaims are the unemployment claims of the persons
// registered unemployed, opened in the month benefit starts (the month
// of registration, at the earliest the month after the separation, as
// the service decides). The caseworker enters as prior months those of
// the person's employment relations before first, the first month of the
// assessed record the demo has (employees pay unemployment insurance;
// flexible workers in Zhejiang do not).
func unemploymentClaims(a *app, claimable []demo.Separation, first period.YearMonth) []demoClaim {
	var out []demoClaim
	for _, c := range claimable {
		c := c
		out = append(out, demoClaim{month: max(c.Registered.Month(), c.Ended.Month().Add(1)), open: func(ctx context.Context, svc *insurance.Service) (insurance.Claim, error) {
			prior, err := monthsEmployedBefore(ctx, a, c.PersonID, first)
			if err != nil {
				return insurance.Claim{}, err
			}
			return svc.OpenUnemploymentClaim(ctx, insurance.UnemploymentClaimInput{PersonID: c.PersonID, EmploymentID: c.EmploymentID, PriorMonths: min(prior, 600)})
		}})
	}
	return out
}

// monthsEmployedBefore counts the months before first in which person
// had an employment relation, each month once.
func monthsEmployedBefore(ctx context.Context, a *app, person int64, first period.YearMonth) (int, error) {
	rels, err := a.registry.ListEmployments(ctx, registry.EmploymentFilter{PersonID: person, Page: registry.Page{Limit: 500}})
	if err != nil {
		return 0, err
	}
	seen := map[period.YearMonth]bool{}
	for _, e := range rels {
		end := first - 1
		if !e.End.IsZero() {
			end = min(end, e.End.Month())
		}
		for m := e.Start.Month(); m <= end; m++ {
			seen[m] = true
		}
	}
	return len(seen), nil
}

func refusedTotal(by map[string]int) int {
	n := 0
	for _, v := range by {
		n += v
	}
	return n
}

func refusedText(by map[string]int) string {
	if len(by) == 0 {
		return ""
	}
	var parts []string
	for _, rule := range sortedKeys(by) {
		parts = append(parts, fmt.Sprintf("%s %d", rule, by[rule]))
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func cappedText(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; %d more left unopened (cap)", n)
}
