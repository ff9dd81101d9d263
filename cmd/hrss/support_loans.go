package main

import (
	"context"
	"fmt"

	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/support"
)

// supportLoan runs hrss support loan SUBCOMMAND.
func supportLoan(g *globals, _ string, args []string) error {
	usage := "Usage: hrss support loan apply|approve|reject|default|claim|show|list [flags]"
	if len(args) == 0 {
		fmt.Fprintln(g.stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "apply":
		return loanApply(g, args[1:])
	case "approve", "reject":
		return loanDecide(g, args[0], args[1:])
	case "default", "claim":
		return loanMonth(g, args[0], args[1:])
	case "show":
		return loanShow(g, args[1:])
	case "list":
		return loanList(g, args[1:])
	}
	fmt.Fprintln(g.stderr, usage)
	return errUsage
}

func loanApply(g *globals, args []string) error {
	fs := newFlags(g, "support loan apply", "support loan apply --borrower individual|enterprise --person ID|--employer ID --bank B --guarantor G --principal YUAN --term MONTHS --rate 0.0345 --signed YYYY-MM-DD [--as USER]")
	var in support.LoanInput
	fs.StringVar(&in.Borrower, "borrower", "individual", "individual or enterprise")
	fs.Int64Var(&in.PersonID, "person", 0, "an individual borrower's person ID")
	fs.Int64Var(&in.EmployerID, "employer", 0, "an enterprise borrower's employer ID")
	fs.StringVar(&in.Bank, "bank", "", "the lending bank")
	fs.StringVar(&in.Guarantor, "guarantor", "", "the guarantee institution")
	fs.StringVar(&in.Principal, "principal", "", "the amount, yuan")
	fs.IntVar(&in.TermMonths, "term", 0, "months to maturity")
	fs.StringVar(&in.ContractRate, "rate", "", "the bank's yearly rate, e.g. 0.0345")
	fs.StringVar(&in.Signed, "signed", "", "the contract date, YYYY-MM-DD")
	as := fs.String("as", "", "the user applying (default the system operator)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withSupport(g, *as, func(ctx context.Context, svc *support.Service) error {
		l, err := svc.ApplyLoan(ctx, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Loan %d applied: %s yuan for %d months at %s; the borrower pays %s, the subsidy %s (LPR %s). A reviewer decides it: hrss support loan approve %d --as REVIEWER\n",
			l.ID, l.Principal, l.TermMonths, l.ContractRate, l.Terms.BorrowerRate, l.Terms.SubsidyRate, l.Terms.LPR, l.ID)
		return nil
	})
}

func loanDecide(g *globals, verb string, args []string) error {
	fs := newFlags(g, "support loan "+verb, "support loan "+verb+" LOAN --as REVIEWER [--reason TEXT]")
	as := fs.String("as", "", "the reviewer deciding")
	reason := fs.String("reason", "", "why (required to reject)")
	id, err := parseWithID(fs, args, "loan")
	if err != nil {
		return err
	}
	return withSupport(g, *as, func(ctx context.Context, svc *support.Service) error {
		l, err := svc.DecideLoan(ctx, id, verb == "approve", *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Loan %d is %s (by %s).\n", l.ID, l.Status, l.Reviewer)
		return nil
	})
}

// loanMonth records a month in default, or the bank's claim through a month.
func loanMonth(g *globals, verb string, args []string) error {
	flag := map[string]string{"default": "period", "claim": "through"}[verb]
	fs := newFlags(g, "support loan "+verb, "support loan "+verb+" LOAN --"+flag+" YYYY-MM [--as USER]")
	month := fs.String(flag, "", "the month, YYYY-MM")
	as := fs.String("as", "", "the user acting (default the system operator)")
	id, err := parseWithID(fs, args, "loan")
	if err != nil {
		return err
	}
	p, err := period.ParseYearMonth(*month)
	if err != nil {
		return fault.Invalidf(flag, "support.month", "--%s %q is not YYYY-MM", flag, *month)
	}
	return withSupport(g, *as, func(ctx context.Context, svc *support.Service) error {
		if verb == "default" {
			l, err := svc.MarkDefault(ctx, id, p)
			if err == nil {
				fmt.Fprintf(g.stdout, "Loan %d: months in default %v.\n", l.ID, l.Defaults)
			}
			return err
		}
		gs, err := svc.ClaimSubsidy(ctx, id, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Loan %d: %d months of interest subsidy claimed through %s (pending grants for the next batch).\n", id, len(gs), p)
		return nil
	})
}

func loanShow(g *globals, args []string) error {
	fs := newFlags(g, "support loan show", "support loan show LOAN [--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	id, err := parseWithID(fs, args, "loan")
	if err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		l, sched, err := svc.Loan(ctx, id)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, map[string]any{"loan": l, "schedule": sched})
		}
		fmt.Fprintf(g.stdout, "Loan %d (%s, %s): %s yuan, %d months at %s from %s, bank %s, guarantor %s\n  borrower rate %s, subsidy rate %s (LPR %s)\n",
			l.ID, l.Borrower, l.Status, l.Principal, l.TermMonths, l.ContractRate, l.Signed, l.Bank, l.Guarantor, l.Terms.BorrowerRate, l.Terms.SubsidyRate, l.Terms.LPR)
		fmt.Fprintf(g.stdout, "  %3s %-7s %4s %10s %10s %10s %10s %s\n", "n", "period", "year", "interest", "borrower", "subsidy", "claimable", "")
		for _, m := range sched {
			def := ""
			if m.InDefault {
				def = "in default"
			}
			fmt.Fprintf(g.stdout, "  %3d %-7s %4d %10s %10s %10s %10s %s\n", m.N, m.Period, m.LoanYear, m.Interest, m.Borrower, m.Subsidy, m.Claimable, def)
		}
		return nil
	})
}

func loanList(g *globals, args []string) error {
	fs := newFlags(g, "support loan list", "support loan list [--status S] [--json]")
	status := fs.String("status", "", "applied, active, rejected or repaid")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		ls, err := svc.Loans(ctx, support.LoanFilter{Status: support.LoanStatus(*status)})
		if err != nil || *asJSON {
			return orJSON(g, ls, err)
		}
		for _, l := range ls {
			fmt.Fprintf(g.stdout, "%5d %-10s %-8s %-8s %12s %3d months %s  %s\n", l.ID, l.Borrower, l.Status, l.Division, l.Principal, l.TermMonths, l.ContractRate, l.Bank)
		}
		return nil
	})
}
