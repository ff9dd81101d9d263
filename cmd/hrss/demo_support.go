package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"hrss/access"
	"hrss/demo"
	"hrss/employment"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
	"hrss/support"
)

// demoSupport gives the demo city its support programmes as the bureau
// would have them: internships of unemployed graduates that ended last
// month, the proactive scan over the months of history, bank accounts for
// most beneficiaries (a few left without, as in life), and guaranteed
// loan applications. What the reviewer decides is left to the demo's users.
func demoSupport(ctx context.Context, g *globals, a *app, cfg demo.Config) (*support.Service, error) {
	svc, err := supportService(g, a)
	if err != nil {
		return nil, err
	}
	svc.Now = func() time.Time { return cfg.AsOf.Time().Add(9 * time.Hour) }
	ctx = systemContext(ctx)
	n, err := demoInternships(ctx, a, svc, cfg.AsOf)
	if err != nil {
		return nil, fmt.Errorf("demo internships: %w", err)
	}
	sc, err := svc.Scan(ctx, support.ScanOptions{AsOf: cfg.AsOf})
	if err != nil {
		return nil, fmt.Errorf("demo scan: %w", err)
	}
	fmt.Fprintf(g.stdout, "support programmes: %d internships recorded; the scan as of %s found %d grants:\n", n, sc.AsOf, sc.Created)
	for _, code := range sortedKeys(sc.ByProgramme) {
		p := sc.ByProgramme[code]
		fmt.Fprintf(g.stdout, "  %-18s %6d grants %14s yuan\n", code, p.Created, p.Amount)
	}
	accounts, err := demoPayees(ctx, svc)
	if err != nil {
		return nil, fmt.Errorf("demo payees: %w", err)
	}
	loans, err := demoLoans(ctx, a, svc, cfg.AsOf)
	if err != nil {
		return nil, fmt.Errorf("demo loans: %w", err)
	}
	fmt.Fprintf(g.stdout, "  %d beneficiaries' bank accounts recorded; %d guaranteed loan applications\n", accounts, loans)
	return svc, nil
}

// demoInternships records, per division, internships of up to 20
// unemployed graduates with hosts of their division, six months ending
// last month, at an allowance from the minimum wage up (a few below it,
// which the rule refuses).
func demoInternships(ctx context.Context, a *app, svc *support.Service, today period.Date) (int, error) {
	start := today.Month().Add(-6).First()
	end := today.Month().Add(-1).Last()
	n := 0
	for _, div := range registry.CountyCodes() {
		grads, err := a.jobs.FollowUps(ctx, employment.GraduateQuery{Division: div, Page: registry.Page{Limit: 20}})
		if err != nil {
			return n, err
		}
		hosts, err := a.registry.FindEmployers(ctx, registry.EmployerQuery{Division: div, Page: registry.Page{Limit: 10}})
		if err != nil || len(hosts) == 0 {
			return n, err
		}
		wage, _, err := svc.Params.MinimumWage(div, start)
		if err != nil {
			return n, err
		}
		for i, gr := range grads {
			allowance := wage + money.Yuan(int64(demoHash(gr.PersonID)%500))
			if i%10 == 9 {
				allowance = wage - money.Yuan(100) // below the minimum wage: refused by the rule
			}
			in := support.InternshipInput{EmployerID: hosts[i%len(hosts)].ID, PersonID: gr.PersonID, Start: start.String(), End: end.String(), Allowance: allowance.String()}
			if _, err := svc.RecordInternship(ctx, in); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// demoHash is a stable pseudo-random number of an ID.
func demoHash(id int64) uint32 {
	h := fnv.New32a()
	fmt.Fprint(h, id)
	return h.Sum32()
}

// demoPayees records a synthetic bank account for 95% of the grants'
// beneficiaries.
func demoPayees(ctx context.Context, svc *support.Service) (int, error) {
	gs, err := svc.Grants(ctx, support.GrantFilter{Status: support.Pending})
	if err != nil {
		return 0, err
	}
	seen := map[string]bool{}
	banks := []string{"嘉兴银行", "中国工商银行嘉兴分行", "浙江嘉兴农村商业银行", "中国建设银行嘉兴分行"}
	for _, g := range gs {
		key := fmt.Sprintf("%s/%d", g.Beneficiary, g.PayeeID)
		h := demoHash(g.PayeeID*7 + int64(len(g.Beneficiary)))
		if seen[key] || h%20 == 0 {
			continue
		}
		seen[key] = true
		holder := g.Employer
		if g.Beneficiary == rules.PaysPerson {
			holder = g.PersonName
		}
		p := support.Payee{Kind: g.Beneficiary, ID: g.PayeeID, Bank: banks[h%uint32(len(banks))], Account: fmt.Sprintf("6222%012d", uint64(h)*9973%1_000_000_000_000), Holder: holder}
		if _, err := svc.SetPayee(ctx, p, ""); err != nil {
			return len(seen), err
		}
	}
	return len(seen), nil
}

// demoLoans applies for two guaranteed loans (an individual and, where
// one qualifies, a small enterprise) for the reviewer to decide.
func demoLoans(ctx context.Context, a *app, svc *support.Service, today period.Date) (int, error) {
	signed := today.Month().Add(-4).First().AddDays(9)
	n := 0
	grads, err := a.jobs.FollowUps(ctx, employment.GraduateQuery{Division: "330402", Page: registry.Page{Limit: 40}})
	if err != nil {
		return 0, err
	}
	if len(grads) > 0 {
		in := support.LoanInput{Borrower: "individual", PersonID: grads[len(grads)-1].PersonID, Bank: "嘉兴银行", Guarantor: "嘉兴市融资担保有限公司",
			Principal: "200000.00", TermMonths: 36, ContractRate: "0.0345", Signed: signed.String()}
		if _, err := svc.ApplyLoan(ctx, in); err != nil {
			return n, err
		}
		n++
	}
	emps, err := a.registry.FindEmployers(ctx, registry.EmployerQuery{Division: "330402", Page: registry.Page{Limit: 60}})
	if err != nil {
		return n, err
	}
	for _, e := range emps {
		in := support.LoanInput{Borrower: "enterprise", EmployerID: e.ID, Bank: "中国工商银行嘉兴分行", Guarantor: "嘉兴市融资担保有限公司",
			Principal: "1000000.00", TermMonths: 24, ContractRate: "0.0345", Signed: signed.String()}
		if _, err := svc.ApplyLoan(ctx, in); err == nil {
			return n + 1, nil
		}
	}
	return n, nil
}

// demoScope picks the demo's employer agent and citizen so that each has
// grants found for them: an employer with a pending grant in the
// caseworker's division, and a person granted the entrepreneurship
// subsidy (either left to the registry's sample when there is none).
func demoScope(ctx context.Context, svc *support.Service, division string) access.DemoScope {
	sc := access.DemoScope{Division: division}
	ctx = systemContext(ctx)
	if gs, err := svc.Grants(ctx, support.GrantFilter{Divisions: []string{division}, Payee: rules.PaysEmployer}); err == nil {
		for _, g := range gs {
			sc.EmployerID = g.PayeeID
			break
		}
	}
	if gs, err := svc.Grants(ctx, support.GrantFilter{Payee: rules.PaysPerson}); err == nil && len(gs) > 0 {
		sc.PersonID = gs[0].PersonID
	}
	return sc
}
