package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"hrss/insurance"
	"hrss/rules/fault"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// hrss late-fees, credits and refunds: late fees billed to a day, the
// credits kept from overpaid and unmatched collections, their re-match
// and their reviewed refunds with the bank file. --as names the user
// acting (a caseworker prepares, another reviewer approves: four eyes
// hold at the command line too); without it the operator acts as System.

// withInsuranceAs is withInsurance as the user named by as (withUser).
func withInsuranceAs(g *globals, as string, fn func(ctx context.Context, svc *insurance.Service) error) error {
	return withUser(g, as, func(ctx context.Context, a *app) error {
		svc, err := insuranceService(g, a)
		if err != nil {
			return err
		}
		return fn(ctx, svc)
	})
}

// moneyFlags are the flags of every late-fees, credits and refunds
// subcommand (each uses those it needs).
type moneyFlags struct {
	as, asOf, per, kind, status, note, out *string
	payer, run                             *int64
	all, asJSON                            *bool
	refund                                 insurance.RefundInput
}

func parseMoneyFlags(g *globals, cmd, usage string, args []string) (*moneyFlags, []string, error) {
	fs := newFlags(g, cmd, usage)
	f := &moneyFlags{
		as: fs.String("as", "", "the user acting (default the system operator)"), asOf: fs.String("as-of", "", "the day, YYYY-MM-DD (default today)"),
		per: fs.String("period", "", "a period, YYYY-MM"), kind: fs.String("payer-kind", "employer", "employer or flexible"),
		status: fs.String("status", "", "prepared, approved, rejected, issued, paid or failed"), note: fs.String("note", "", "the reviewer's note (required to reject)"),
		out: fs.String("out", "", "the bank file to write, .csv or .xlsx"), payer: fs.Int64("payer", 0, "the payer's ID"), run: fs.Int64("run", 0, "a billing's or refund run's ID"),
		all: fs.Bool("all", false, "credits: also those used up"), asJSON: fs.Bool("json", false, "print JSON"),
	}
	fs.StringVar(&f.refund.Credit, "credit", "", "the payment reference of the credit")
	fs.StringVar(&f.refund.Amount, "amount", "", "yuan (default the whole balance)")
	fs.StringVar(&f.refund.Holder, "holder", "", "the account holder")
	fs.StringVar(&f.refund.Bank, "bank", "", "the bank")
	fs.StringVar(&f.refund.Account, "account", "", "the account number")
	fs.StringVar(&f.refund.Reason, "reason", "", "why the money is refunded")
	rest, err := parsePositional(fs, args)
	return f, rest, err
}

func runLateFees(g *globals, args []string) error {
	return dispatch(g, "late-fees", "Late fees (滞纳金): billed to a day with their rule, paid by the collection import after the principal.", []subcommand{
		{"bill", "bill the late fees accrued to a day and not billed before", lateFeesBill},
		{"list", "the late fee lines billed", lateFeesList}}, args)
}

func lateFeesBill(g *globals, args []string) error {
	f, _, err := parseMoneyFlags(g, "late-fees bill", "late-fees bill [--as-of YYYY-MM-DD] [--json]\n\nBill every bill's late fee (0.05% a day, 社会保险法 Art. 86) accrued to the day and not billed before.", args)
	if err != nil {
		return err
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		d, err := dayFlag(*f.asOf, svc)
		if err != nil {
			return err
		}
		run, err := svc.BillLateFees(ctx, d)
		if err != nil {
			return err
		}
		if *f.asJSON {
			return printJSON(g, run)
		}
		g.say("cli.late_fee.run", msg.Int("run", int(run.ID)), msg.Date("as_of", run.AsOf), msg.Int("lines", run.Lines), msg.Fen("amount", run.Amount))
		printFees(g, run.Fees)
		return nil
	})
}

func lateFeesList(g *globals, args []string) error {
	f, _, err := parseMoneyFlags(g, "late-fees list", "late-fees list [--period YYYY-MM] [--run ID] [--json]\n\nThe late fee lines billed, with their rate, source, confidence and days.", args)
	if err != nil {
		return err
	}
	filter := insurance.LateFeeFilter{Run: *f.run}
	if *f.per != "" {
		if filter.Period, err = periodFlag(*f.per); err != nil {
			return err
		}
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		lines, err := svc.LateFees(ctx, filter)
		if err != nil || *f.asJSON {
			return jsonOr(g, lines, err)
		}
		printFees(g, lines)
		return nil
	})
}

func printFees(g *globals, lines []insurance.LateFee) {
	jobsTable(g.stdout, g.cols("period", "payer", "payer_id", "principal", "after", "to", "days", "rate", "fee", "source"), func(tw *tabwriter.Writer) {
		for _, l := range lines {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s (%s); %s\n", l.Period, l.PayerKind, l.PayerID, l.Principal, l.From, l.To, l.Days, l.Rate, l.Amount, l.Reference, l.Confidence, l.Rounding)
		}
	})
}

// dayFlag parses an optional --as-of, today by the service clock.
func dayFlag(v string, svc *insurance.Service) (period.Date, error) {
	if v == "" {
		return period.FromTime(svc.NowTime()), nil
	}
	d, err := period.ParseDate(v)
	if err != nil {
		return d, fault.Invalidf("as-of", "date.format", "--as-of %q is not YYYY-MM-DD", v)
	}
	return d, nil
}

// jsonOr prints v as JSON unless err.
func jsonOr(g *globals, v any, err error) error {
	if err != nil {
		return err
	}
	return printJSON(g, v)
}

func runCredits(g *globals, args []string) error {
	return dispatch(g, "credits", "Credits: overpaid and unmatched collections, to re-match to a bill or refund.", []subcommand{
		{"list", "the credits with a balance (--all: every one)", creditsList},
		{"rematch", "apply a credit to a bill", creditsRematch}}, args)
}

func creditsList(g *globals, args []string) error {
	f, _, err := parseMoneyFlags(g, "credits list", "credits list [--all] [--json]\n\nThe credits kept from overpaid and unmatched collections, with what is left of each.", args)
	if err != nil {
		return err
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		list, err := svc.Credits(ctx, insurance.CreditFilter{Open: !*f.all})
		if err != nil || *f.asJSON {
			return jsonOr(g, list, err)
		}
		return jobsTable(g.stdout, g.cols("reference", "kind", "payer", "payer_id", "period", "paid_on", "credited", "used", "balance"), func(tw *tabwriter.Writer) {
			for _, c := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", c.Reference, c.Status, c.PayerKind, c.PayerID, c.Period, c.PaidOn, c.Credited, c.Rematched+c.Refunding, c.Balance)
			}
		})
	})
}

func creditsRematch(g *globals, args []string) error {
	f, rest, err := parseMoneyFlags(g, "credits rematch", "credits rematch REFERENCE --period YYYY-MM --payer-kind employer|flexible --payer ID [--as USER]\n\nApply what is left of a credit to a bill: principal, then late fee, at most what it owes.", args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fault.Invalidf("reference", "credits.reference", "give the payment reference of the credit")
	}
	p, err := periodFlag(*f.per)
	if err != nil {
		return err
	}
	kind := insurance.PayerEmployer
	switch *f.kind {
	case "employer":
	case "flexible":
		kind = insurance.PayerFlexible
	default:
		return fault.Invalidf("payer-kind", "credits.payer_kind", "--payer-kind %q must be employer or flexible", *f.kind)
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		pay, err := svc.Rematch(ctx, rest[0], insurance.BillKey{Period: p, PayerKind: kind, PayerID: *f.payer})
		if err != nil || *f.asJSON {
			return jsonOr(g, pay, err)
		}
		g.say("cli.payment.applied", msg.Text("reference", pay.Reference), msg.Fen("applied", pay.Applied), msg.Fen("fee", pay.FeeApplied), msg.Month("period", pay.Period),
			msg.Text("payer", pay.PayerKind.String()), msg.Int("payer_id", int(pay.PayerID)))
		return nil
	})
}

func runRefunds(g *globals, args []string) error {
	return dispatch(g, "refunds", "Refunds of credits: prepared by a caseworker, approved by another reviewer (four eyes), issued with a bank file, paid or failed by the bank's return.", []subcommand{
		{"prepare", "prepare the refund of a credit", refundsPrepare},
		{"approve", "approve a prepared refund (another reviewer)", refundsDecide(true)},
		{"reject", "reject a prepared refund with a note", refundsDecide(false)},
		{"list", "the refunds", refundsList},
		{"issue", "issue the approved refunds in a refund run", refundsIssue},
		{"bank-file", "write a refund run's bank file", refundsBankFile},
		{"return", "take in the bank's return file of refund runs", refundsReturn}}, args)
}

func refundsReturn(g *globals, args []string) error {
	f, rest, err := parseMoneyFlags(g, "refunds return", "refunds return FILE.csv|FILE.xlsx\n\nTake in the bank's return file (columns reference refund:ID, status paid or failed, reason): refunds paid or failed, a failed refund's credit free again; a bad file is refused whole, naming its row and column.", args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return fault.Invalidf("file", "cli.file", "give the bank's return file")
	}
	data, err := os.ReadFile(rest[0])
	if err != nil {
		return err
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		rep, err := svc.ImportRefundReturn(ctx, filepath.Base(rest[0]), data)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Return %d: %d rows, %d paid (%s yuan), %d failed, %d returned before.\n", rep.Return, rep.Rows, rep.Paid, rep.Amount, rep.Failed, rep.Already)
		return nil
	})
}

func refundsPrepare(g *globals, args []string) error {
	f, _, err := parseMoneyFlags(g, "refunds prepare", "refunds prepare --credit REF [--amount YUAN] --holder NAME --bank BANK --account DIGITS --reason TEXT --as CASEWORKER\n\nPrepare the refund of a credit; another reviewer approves it.", args)
	if err != nil {
		return err
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		r, err := svc.PrepareRefund(ctx, f.refund)
		if err != nil || *f.asJSON {
			return jsonOr(g, r, err)
		}
		g.say("cli.refund.prepared", msg.Int("id", int(r.ID)), msg.Fen("amount", r.Amount), msg.Text("credit", r.Credit), msg.Text("preparer", r.PreparedName))
		return nil
	})
}

func refundsDecide(approve bool) func(*globals, []string) error {
	return func(g *globals, args []string) error {
		f, rest, err := parseMoneyFlags(g, "refunds approve|reject", "refunds approve|reject ID [--note TEXT] --as REVIEWER\n\nDecide a prepared refund: a reviewer who did not prepare it (four eyes).", args)
		if err != nil {
			return err
		}
		id, err := idArg(rest)
		if err != nil {
			return err
		}
		return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
			r, err := svc.DecideRefund(ctx, id, approve, *f.note)
			if err != nil || *f.asJSON {
				return jsonOr(g, r, err)
			}
			g.say("cli.refund.decided", msg.Int("id", int(r.ID)), msg.Text("status", string(r.Status)), msg.Text("decider", r.DecidedName))
			return nil
		})
	}
}

// idArg reads the one record ID argument.
func idArg(rest []string) (int64, error) {
	if len(rest) == 1 {
		if id, err := strconv.ParseInt(rest[0], 10, 64); err == nil && id > 0 {
			return id, nil
		}
	}
	return 0, fault.Invalidf("id", "cli.id", "give one record ID")
}

func refundsList(g *globals, args []string) error {
	f, _, err := parseMoneyFlags(g, "refunds list", "refunds list [--status S] [--run ID] [--json]", args)
	if err != nil {
		return err
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		list, err := svc.Refunds(ctx, insurance.RefundFilter{Status: *f.status, Run: *f.run})
		if err != nil || *f.asJSON {
			return jsonOr(g, list, err)
		}
		jobsTable(g.stdout, g.cols("id", "credit", "amount", "status", "prepared_by", "decided_by", "payee"), func(tw *tabwriter.Writer) {
			for _, r := range list {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s, %s, %s\n", r.ID, r.Credit, r.Amount, r.Status, r.PreparedName, r.DecidedName, r.Holder, r.Bank, r.Account)
			}
		})
		return nil
	})
}

func refundsIssue(g *globals, args []string) error {
	f, _, err := parseMoneyFlags(g, "refunds issue", "refunds issue [--out FILE.csv|FILE.xlsx]\n\nIssue every approved refund in a new refund run; --out writes its bank file.", args)
	if err != nil {
		return err
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		run, err := svc.IssueRefunds(ctx)
		if err != nil {
			return err
		}
		g.say("cli.refund.run", msg.Int("run", int(run.ID)), msg.Int("rows", run.Rows), msg.Fen("total", run.Total))
		if *f.out == "" {
			return nil
		}
		return writeRefundFile(ctx, g, svc, run.ID, *f.out)
	})
}

func refundsBankFile(g *globals, args []string) error {
	f, rest, err := parseMoneyFlags(g, "refunds bank-file", "refunds bank-file RUN --out FILE.csv|FILE.xlsx", args)
	if err != nil {
		return err
	}
	id, err := idArg(rest)
	if err != nil {
		return err
	}
	if *f.out == "" {
		return fault.Invalidf("out", "cli.out", "--out FILE.csv or FILE.xlsx is required")
	}
	return withInsuranceAs(g, *f.as, func(ctx context.Context, svc *insurance.Service) error {
		return writeRefundFile(ctx, g, svc, id, *f.out)
	})
}

func writeRefundFile(ctx context.Context, g *globals, svc *insurance.Service, run int64, out string) error {
	data, err := svc.RefundBankFile(ctx, run, strings.EqualFold(filepath.Ext(out), ".xlsx"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		return err
	}
	g.say("cli.refund.bank_file", msg.Int("run", int(run)), msg.Text("file", out))
	return nil
}
