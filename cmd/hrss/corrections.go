package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"hrss/insurance"
	"hrss/rules/msg"
)

// runCorrections prepares, derives, decides and lists corrections of
// closed periods under four eyes.
func runCorrections(g *globals, args []string) error {
	return jobsSub(g, "corrections", args, map[string]func(*globals, []string) error{
		"prepare": correctionsPrepare, "derive": correctionsDerive,
		"approve": correctionsDecide(true), "reject": correctionsDecide(false), "list": correctionsList,
	}, "prepare", "derive", "approve", "reject", "list")
}

func correctionsPrepare(g *globals, args []string) error {
	fs := newFlags(g, "corrections prepare", "corrections prepare (--employment ID | --flexible ID) --from YYYY-MM --to YYYY-MM [--wage YUAN] --reason TEXT --as CASEWORKER [--json]\n\n"+
		"Prepares a correction of closed periods for a reviewer, with the preview of what it would bill; nothing is billed yet.")
	in := correctionFlags(fs)
	as := fs.String("as", "", "the caseworker preparing it")
	asJSON := fs.Bool("json", false, "print the prepared correction as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withInsuranceAs(g, *as, func(ctx context.Context, svc *insurance.Service) error {
		pc, err := svc.PrepareCorrection(ctx, *in)
		return printPrepared(g, pc, err, *asJSON)
	})
}

// correctionFlags defines the flags of a correction's input on fs.
func correctionFlags(fs *flag.FlagSet) *insurance.CorrectionInput {
	in := &insurance.CorrectionInput{}
	fs.Int64Var(&in.EmploymentID, "employment", 0, "the employment relation")
	fs.Int64Var(&in.FlexibleID, "flexible", 0, "the flexible enrolment")
	fs.StringVar(&in.From, "from", "", "first period, YYYY-MM")
	fs.StringVar(&in.To, "to", "", "last period, YYYY-MM")
	fs.StringVar(&in.Wage, "wage", "", "the corrected monthly wage in yuan (default: the registry's)")
	fs.StringVar(&in.Reason, "reason", "", "why")
	return in
}

func correctionsDerive(g *globals, args []string) error {
	fs := newFlags(g, "corrections derive", "corrections derive (--employment ID [--year YYYY] | --flexible ID) --as CASEWORKER [--json]\n\n"+
		"Prepares for a reviewer the correction the record calls for: with --year, the closed months of that year\n"+
		"recomputed on the relation's declared wage (hrss wages declare); without, every closed month of a\n"+
		"relation enrolled late. Refused (correction.nothing) when no closed period would change.")
	emp := fs.Int64("employment", 0, "the employment relation")
	flex := fs.Int64("flexible", 0, "the flexible enrolment (late enrolment only)")
	year := fs.Int("year", 0, "the contribution year whose declaration changed")
	as := fs.String("as", "", "the caseworker preparing it")
	asJSON := fs.Bool("json", false, "print the prepared correction as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withInsuranceAs(g, *as, func(ctx context.Context, svc *insurance.Service) error {
		pc, err := svc.DeriveCorrection(ctx, insurance.DeriveInput{EmploymentID: *emp, FlexibleID: *flex, Year: *year})
		return printPrepared(g, pc, err, *asJSON)
	})
}

func printPrepared(g *globals, pc insurance.PreparedCorrection, err error, asJSON bool) error {
	if err != nil || asJSON {
		return jsonOr(g, pc, err)
	}
	g.say("cli.correction.prepared", msg.Int("id", int(pc.ID)), msg.Text("preparer", pc.Preparer), msg.Month("from", pc.From), msg.Month("to", pc.To),
		msg.Int("periods", pc.PreviewPeriods), msg.Fen("total", pc.PreviewTotal))
	return nil
}

func correctionsDecide(approve bool) func(*globals, []string) error {
	return func(g *globals, args []string) error {
		fs := newFlags(g, "corrections approve|reject", "corrections approve|reject ID [--note TEXT] --as REVIEWER [--json]\n\n"+
			"Decides a prepared correction: a reviewer who did not prepare it (four eyes). Approval applies it: the\n"+
			"adjustment lines are recomputed and billed with their periods. A rejection needs --note.")
		note := fs.String("note", "", "the reviewer's note (required to reject)")
		as := fs.String("as", "", "the reviewer deciding")
		asJSON := fs.Bool("json", false, `print {"correction","report"}`)
		if err := parseFlags(fs, args); err != nil {
			return err
		}
		id, err := idArg(fs.Args())
		if err != nil {
			return err
		}
		return withInsuranceAs(g, *as, func(ctx context.Context, svc *insurance.Service) error {
			pc, rep, err := svc.DecideCorrection(ctx, id, approve, *note)
			if err != nil || *asJSON {
				return jsonOr(g, map[string]any{"correction": pc, "report": rep}, err)
			}
			args := []msg.Arg{msg.Int("id", int(pc.ID)), msg.Text("status", string(pc.Status)), msg.Text("decider", pc.Decider)}
			if !approve {
				g.say("cli.correction.decided", args...)
				return nil
			}
			g.say("cli.correction.applied", append(args, msg.Int("adjustments", len(rep.Adjustments)), msg.Fen("total", rep.Total))...)
			return nil
		})
	}
}

func correctionsList(g *globals, args []string) error {
	fs := newFlags(g, "corrections list", "corrections list [--status prepared|applied|rejected] [--as USER] [--json]")
	status := fs.String("status", "", "only these")
	as := fs.String("as", "", "act as this user (default: the system operator)")
	asJSON := fs.Bool("json", false, "print the list as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withInsuranceAs(g, *as, func(ctx context.Context, svc *insurance.Service) error {
		list, err := svc.PreparedCorrections(ctx, insurance.CorrectionFilter{Status: insurance.CorrectionStatus(*status)})
		if err != nil || *asJSON {
			if list == nil {
				list = []insurance.PreparedCorrection{}
			}
			return jsonOr(g, list, err)
		}
		return jobsTable(g.stdout, g.cols("id", "status", "source_kind", "relation", "from", "to", "preview", "prepared_by", "decided_by"), func(tw *tabwriter.Writer) {
			for _, pc := range list {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", pc.ID, pc.Status, pc.Source, pc.RelationID, pc.From, pc.To, pc.PreviewTotal, pc.Preparer, pc.Decider)
			}
		})
	})
}
