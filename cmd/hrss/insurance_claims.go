package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"hrss/access"
	"hrss/insurance"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/msg"
)

func runAccounts(g *globals, args []string) error {
	if len(args) == 0 || args[0] != "close-year" {
		fmt.Fprintln(g.stderr, "Usage: hrss accounts close-year --year YYYY")
		return errUsage
	}
	fs := newFlags(g, "accounts close-year", "accounts close-year --year YYYY\n\nPost the year's interest to every personal account (idempotent).")
	year := fs.Int("year", 0, "the year to close")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		yc, err := svc.CloseYear(ctx, *year)
		if err != nil {
			return err
		}
		if yc.Already {
			fmt.Fprintf(g.stdout, "Year %d was closed before (close %d, %s): nothing posted again.\n", yc.Year, yc.ID, yc.CreatedAt.Format("2006-01-02"))
		}
		fmt.Fprintf(g.stdout, "Year %d: interest %s posted to %d accounts.\n", yc.Year, yc.Interest, yc.Persons)
		return nil
	})
}

func runStatement(g *globals, args []string) error {
	fs := newFlags(g, "statement", "statement --person ID [--json]\n\nA person's rights record (个人权益记录): per year the base, months paid, credits, interest and balance.")
	id := fs.Int64("person", 0, "the person's ID")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		st, err := svc.Statement(ctx, *id)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, st)
		}
		fmt.Fprintf(g.stdout, "Rights record of person %d (%s, %s): %d months, balance %s\n", st.PersonID, st.Name, st.Division, st.Months, st.Balance)
		fmt.Fprintf(g.stdout, "  %4s %-8s %6s %10s %10s %10s %12s\n", "year", "source", "months", "avg base", "credits", "interest", "balance")
		for _, y := range st.Years {
			fmt.Fprintf(g.stdout, "  %4d %-8s %6d %10s %10s %10s %12s\n", y.Year, y.Source, y.Months, y.AverageBase, y.Credits, y.Interest, y.Balance)
		}
		return nil
	})
}

// claimCaller is the named caller of a claim command: the CLI operator
// acts as a caseworker (open) or a reviewer (approve) under --as, so
// that four-eyes holds at the command line too.
func claimCaller(ctx context.Context, name string, role access.Role) (context.Context, error) {
	if name == "" {
		return ctx, fault.Invalidf("as", "claim.as", "--as NAME is required: who prepares or reviews the claim")
	}
	return access.WithCaller(ctx, access.Caller{Name: name, Role: role, Divisions: []string{access.CityWide}}), nil
}

func runClaims(g *globals, args []string) error {
	usage := "Usage: hrss claims open-pension|open-unemployment|approve|reject|list|adjust|overpayments|recover ..."
	if len(args) == 0 {
		fmt.Fprintln(g.stderr, usage)
		return errUsage
	}
	fs := newFlags(g, "claims "+args[0], "claims "+args[0]+" [flags]")
	as := fs.String("as", "", "the caseworker (open) or reviewer (approve, reject) acting")
	person := fs.Int64("person", 0, "open: the person's ID; list: filter")
	category := fs.String("category", "", "open-pension: male, female-55 or female-50")
	retire := fs.String("retire", "", "open-pension: first month of pension, YYYY-MM")
	deemed := fs.String("deemed-years", "", "open-pension: deemed contribution years (视同缴费年限)")
	deemedIndex := fs.String("deemed-index", "", "open-pension: index of the deemed years (default 1)")
	employment := fs.Int64("employment", 0, "open-unemployment: the relation that ended")
	prior := fs.Int("prior-months", 0, "open-unemployment: months contributed before the assessed record")
	year := fs.Int("year", 0, "adjust: the year of the pension adjustment")
	kind := fs.String("kind", "", "list: pension or unemployment")
	amount := fs.String("amount", "", "recover: the amount repaid in yuan")
	reference := fs.String("reference", "", "recover: the receipt's reference (unique)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		var out any
		var err error
		switch args[0] {
		case "open-pension", "open-unemployment":
			if ctx, err = claimCaller(ctx, *as, access.Caseworker); err != nil {
				return err
			}
			if args[0] == "open-pension" {
				out, err = svc.OpenPensionClaim(ctx, insurance.PensionClaimInput{PersonID: *person, Category: rules.Category(*category), Retire: *retire, DeemedYears: *deemed, DeemedIndex: *deemedIndex})
			} else {
				out, err = svc.OpenUnemploymentClaim(ctx, insurance.UnemploymentClaimInput{PersonID: *person, EmploymentID: *employment, PriorMonths: *prior})
			}
		case "approve", "reject":
			if ctx, err = claimCaller(ctx, *as, access.Reviewer); err != nil {
				return err
			}
			id, perr := strconv.ParseInt(fs.Arg(0), 10, 64)
			if perr != nil {
				return fault.Invalidf("id", "claim.id", "give the claim's ID: hrss claims %s --as NAME ID", args[0])
			}
			out, err = svc.Approve(ctx, id, args[0] == "approve")
		case "list":
			out, err = svc.Claims(ctx, insurance.ClaimFilter{Kind: insurance.ClaimKind(*kind), PersonID: *person})
		case "overpayments":
			out, err = svc.Overpayments(ctx, *person)
		case "recover":
			if ctx, err = claimCaller(ctx, *as, access.Caseworker); err != nil {
				return err
			}
			id, perr := strconv.ParseInt(fs.Arg(0), 10, 64)
			if perr != nil {
				return fault.Invalidf("id", "overpayment.id", "give the overpayment's ID: hrss claims recover --as NAME --amount YUAN --reference REF ID")
			}
			out, err = svc.RecordRecovery(ctx, id, insurance.RecoveryInput{Amount: *amount, Reference: *reference})
		case "adjust":
			var n int
			n, err = svc.AdjustPensions(ctx, *year)
			out = map[string]any{"year": *year, "adjusted": n}
		default:
			fmt.Fprintln(g.stderr, usage)
			return errUsage
		}
		if err != nil {
			return err
		}
		return printJSON(g, out)
	})
}

func runPay(g *globals, args []string) error {
	if len(args) == 0 || (args[0] != "pensions" && args[0] != "unemployment") {
		fmt.Fprintln(g.stderr, "Usage: hrss pay pensions|unemployment --period YYYY-MM [--out FILE]")
		return errUsage
	}
	fs := newFlags(g, "pay "+args[0], "pay "+args[0]+" --period YYYY-MM [--out FILE]\n\nRun the month's benefit payments (once per period) and write the disbursement file.")
	per := fs.String("period", "", "the month paid, YYYY-MM")
	out := fs.String("out", "", "the disbursement file (default disbursement-KIND-PERIOD.csv)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	p, err := periodFlag(*per)
	if err != nil {
		return err
	}
	kind := insurance.ClaimPension
	if args[0] == "unemployment" {
		kind = insurance.ClaimUnemployment
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		run, err := svc.Pay(ctx, kind, p, "")
		if err != nil {
			return err
		}
		for _, c := range run.Stopped {
			g.say("cli.pay.stopped", msg.Int("claim", int(c.ID)), msg.Int("person", int(c.PersonID)), msg.Text("reason", c.StopReason.In(g.lang())))
		}
		if run.Added == 0 {
			g.say("cli.pay.nothing", msg.Int("run", int(run.ID)), msg.Label("kind", "insurance."+string(kind)), msg.Month("period", p), msg.Int("payments", run.Payments), msg.Fen("total", run.Total))
			return nil
		}
		file, err := svc.Disbursement(ctx, kind, p, run.Batch)
		if err != nil {
			return err
		}
		name := *out
		if name == "" {
			name = fmt.Sprintf("disbursement-%s-%s-%d.csv", kind, p, run.Batch)
		}
		if err := os.WriteFile(name, file, 0o600); err != nil {
			return err
		}
		g.say("cli.pay.run", msg.Int("run", int(run.ID)), msg.Int("batch", run.Batch), msg.Int("added", run.Added), msg.Label("kind", "insurance."+string(kind)),
			msg.Month("period", p), msg.Fen("sum", run.AddedSum), msg.Int("payments", run.Payments), msg.Fen("total", run.Total), msg.Text("file", name))
		return nil
	})
}
