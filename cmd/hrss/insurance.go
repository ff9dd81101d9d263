package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"hrss/access"
	"hrss/demo"
	"hrss/insurance"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/support"
)

// insuranceService wires social insurance over a's database with the
// parameters of g (embedded, with g.params overlaid).
func insuranceService(g *globals, a *app) (*insurance.Service, error) {
	params, err := rules.Load(g.params)
	if err != nil {
		return nil, err
	}
	return &insurance.Service{Store: a.db.Insurance(), Insured: a.db.InsuredReader(), Params: params, Vault: a.vault, Writers: 2}, nil
}

// withAccounts wraps the demo's sink so that it also writes the yearly
// personal-account history of the generated persons through w
// (demo.WithAccounts).
func withAccounts(g *globals, sink demo.Sink, w demo.LegacyWriter) (demo.Sink, *demo.AccountsSummary, error) {
	params, err := rules.Load(g.params)
	if err != nil {
		return nil, nil, err
	}
	s, sum := demo.WithAccounts(sink, w, params)
	return s, sum, nil
}

// webInsurance is the insurance service the web server calls; nil (the
// routes then answer an internal error) if the parameters do not load.
func webInsurance(a *app) *insurance.Service {
	svc, err := insuranceService(&globals{params: a.params}, a)
	if err != nil {
		return nil
	}
	return svc
}

// withInsurance opens the app and runs fn with the System caller (the
// operator at the command line) and a context that ends on Ctrl-C.
func withInsurance(g *globals, fn func(ctx context.Context, svc *insurance.Service) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	svc, err := insuranceService(g, a)
	if err != nil {
		return err
	}
	return fn(access.WithCaller(ctx, access.System), svc)
}

// periodFlag parses a required --period value.
func periodFlag(s string) (period.YearMonth, error) {
	if s == "" {
		return 0, fault.Invalidf("period", "period.required", "--period YYYY-MM is required")
	}
	p, err := period.ParseYearMonth(s)
	if err != nil {
		return 0, fault.Invalidf("period", "period.format", "--period %q is not YYYY-MM", s)
	}
	return p, nil
}

// printJSON prints v as indented JSON, each step, message and reason it
// holds with its text in --lang (rules.InLang).
func printJSON(g *globals, v any) error {
	enc := json.NewEncoder(g.stdout)
	v = rules.InLang(v, g.lang())
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func runAssess(g *globals, args []string) error {
	fs := newFlags(g, "assess", "assess --period YYYY-MM [--json] [--takeover]\n\nAssess (核定) every insured person-month of the period and bill each employer and flexible worker.\nRe-running an open period replaces it; a closed period refuses.")
	per := fs.String("period", "", "the period to assess, YYYY-MM")
	asJSON := fs.Bool("json", false, `print {"period","persons","employers","total","by_insurance"}`)
	takeover := fs.Bool("takeover", false, "take the period from a run whose lock is still fresh (only when that run is known dead)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := periodFlag(*per)
	if err != nil {
		return err
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		bar := newProgress(g.stderr, "assess "+p.String())
		sum, err := svc.Assess(ctx, p, insurance.AssessOptions{Progress: bar.update, Takeover: *takeover})
		if fe := (*fault.Error)(nil); errors.As(err, &fe) && fe.Rule == "assessment.run_in_progress" {
			return fmt.Errorf("%w\nif that run is known dead (its process was killed or lost its database), run again with --takeover; else wait for it", err)
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, sum)
		}
		fmt.Fprintf(g.stdout, "Period %s assessed (run %d): %d persons, %d rows, %d employers, %d flexible workers\n", sum.Period, sum.Run, sum.Persons, sum.Rows, sum.Employers, sum.Flexible)
		for _, ins := range []rules.Insurance{rules.Pension, rules.Medical, rules.Unemployment, rules.WorkInjury} {
			fmt.Fprintf(g.stdout, "  %-13s %16s\n", ins, sum.ByInsurance[ins])
		}
		fmt.Fprintf(g.stdout, "  %-13s %16s\n", "total", sum.Total)
		return nil
	})
}

func runClose(g *globals, args []string) error {
	fs := newFlags(g, "close", "close --period YYYY-MM\n\nClose a period: it is never re-assessed again, and the accounts of its paid bills are credited,\na few thousand persons a transaction (the period is closing meanwhile). A close that stopped\nhalf-way leaves the period closing: run close again and it continues where it stopped.")
	per := fs.String("period", "", "the period to close, YYYY-MM")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := periodFlag(*per)
	if err != nil {
		return err
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		bar := newProgress(g.stderr, "close "+p.String())
		st, err := svc.Close(ctx, p, insurance.CloseOptions{Progress: bar.update})
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Period %s is closed (run %d).\n", st.Period, st.CurrentRun)
		return nil
	})
}

func runCheck(g *globals, args []string) error {
	fs := newFlags(g, "check", "check [--json]\n\nVerify social insurance's and the support programmes' invariants, the indicators' summary and that the\nresident IDs open under the key given (HRSS_KEY or --key-file; the oldest and newest 500 persons); exit status 1 on any breach.")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withInsurance(g, func(ctx context.Context, svc *insurance.Service) error {
		rep, err := svc.Check(ctx)
		if err != nil {
			return err
		}
		if err := addSupportCheck(ctx, g, &rep); err != nil {
			return err
		}
		if err := addInsightCheck(g, &rep); err != nil {
			return err
		}
		if err := addSealCheck(g, &rep); err != nil {
			return err
		}
		if *asJSON {
			printJSON(g, rep)
		} else {
			for _, r := range rep.Results {
				status := "ok"
				if !r.OK {
					status = fmt.Sprintf("BREACHED (%d)", len(r.Breaches))
				}
				fmt.Fprintf(g.stdout, "%-24s %8d checked  %s\n", r.Invariant, r.Checked, status)
				for _, b := range r.Breaches {
					fmt.Fprintf(g.stdout, "    %s\n", b)
				}
			}
		}
		if !rep.OK {
			return exitCode(1)
		}
		return nil
	})
}

// addSealCheck appends resident_id_key to rep: the resident IDs of a
// sample of persons (registry.CheckSeals) must open under the key given,
// so that a restore or a rotation with the wrong key fails the check,
// naming the key and how many of how many failed.
func addSealCheck(g *globals, rep *insurance.CheckReport) error {
	return withApp(g, func(ctx context.Context, a *app) error {
		sc, err := a.registry.CheckSeals(ctx, registry.SealSample)
		if err != nil {
			return err
		}
		r := insurance.CheckResult{Invariant: "resident_id_key", Checked: sc.Checked, Breaches: []string{}, OK: sc.Failed == 0}
		if !r.OK {
			r.Breaches = append(r.Breaches, fmt.Sprintf("%d of %d persons sampled (the oldest and newest %d) have a resident ID that does not open under %s (the first: persons %s): restore or rotate with the key file they were sealed under",
				sc.Failed, sc.Checked, registry.SealSample, keySource(g), strings.ReplaceAll(access.JoinIDs(sc.Persons), ",", ", ")))
		}
		rep.Results = append(rep.Results, r)
		rep.OK = rep.OK && r.OK
		return nil
	})
}

// keySource names where the resident-ID key comes from: HRSS_KEY when
// set, else the key file.
func keySource(g *globals) string {
	if strings.TrimSpace(os.Getenv("HRSS_KEY")) != "" {
		return "the key in HRSS_KEY"
	}
	return "the key file " + g.keyFile
}

// addSupportCheck appends the support programmes' invariants to rep.
func addSupportCheck(_ context.Context, g *globals, rep *insurance.CheckReport) error {
	return withSupport(g, "", func(sctx context.Context, svc *support.Service) error {
		res, err := svc.Check(sctx)
		if err != nil {
			return err
		}
		for _, r := range res {
			rep.Results = append(rep.Results, insurance.CheckResult{Invariant: r.Invariant, Checked: r.Checked, Breaches: r.Breaches, OK: r.OK})
			rep.OK = rep.OK && r.OK
		}
		return nil
	})
}
