package main

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"hrss/access"
	"hrss/employment"
	"hrss/rules/fault"
)

// jobsService returns a's employment services.
func jobsService(a *app) *employment.Service { return a.jobs }

// jobsJSON runs fn like withJobs and prints what it returns as JSON.
func jobsJSON(g *globals, fn func(ctx context.Context, svc *employment.Service) (any, error)) error {
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		v, err := fn(ctx, svc)
		if err != nil {
			return err
		}
		return printJSON(g, v)
	})
}

// withJobs opens the app and runs fn with the System caller (the
// operator at the command line) and a context that ends on Ctrl-C.
func withJobs(g *globals, fn func(ctx context.Context, svc *employment.Service) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	return fn(access.WithCaller(ctx, access.System), jobsService(a))
}

// subcommand dispatches args[0] among subs, printing usage for none.
func jobsSub(g *globals, name string, args []string, subs map[string]func(*globals, []string) error, order ...string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(g.stderr, "Usage: hrss %s SUBCOMMAND [flags]\n\nSubcommands: %s\nRun hrss %s SUBCOMMAND --help for its flags.\n", name, strings.Join(order, ", "), name)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	run, ok := subs[args[0]]
	if !ok {
		fmt.Fprintf(g.stderr, "hrss %s: unknown subcommand %q (%s)\n", name, args[0], strings.Join(order, ", "))
		return errUsage
	}
	return run(g, args[1:])
}

// listFlag splits a comma-separated flag value.
func jobsList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// idsFlag reads a comma-separated list of IDs.
func jobsIDs(field, s string) ([]int64, error) {
	var out []int64
	for _, x := range jobsList(s) {
		id, err := strconv.ParseInt(x, 10, 64)
		if err != nil || id <= 0 {
			return nil, fault.Invalidf(field, "id.format", "%q is not a record ID", x)
		}
		out = append(out, id)
	}
	return out, nil
}

func jobsTable(w io.Writer, header string, rows func(tw *tabwriter.Writer)) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	rows(tw)
	return tw.Flush()
}

func runSeekers(g *globals, args []string) error {
	return jobsSub(g, "seekers", args, map[string]func(*globals, []string) error{
		"list": seekersList, "show": seekersShow, "register": seekersRegister, "close": seekersClose,
	}, "list", "show", "register", "close")
}

func seekersList(g *globals, args []string) error {
	fs := newFlags(g, "seekers list", "seekers list [--division CODE] [--status active|closed] [--limit N] [--after ID] [--json]")
	div := fs.String("division", "", "county-level division code, e.g. 330402")
	status := fs.String("status", "active", "active, closed or all")
	limit := fs.Int("limit", 50, "at most this many (1-1000)")
	after := fs.Int64("after", 0, "list registrations with IDs above this")
	asJSON := fs.Bool("json", false, `print [{"id","person_id","division",...}]`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := employment.SeekerFilter{Division: *div, Status: employment.Status(*status), Page: employment.Page{After: *after, Limit: *limit}}
	if *status == "all" {
		f.Status = ""
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		rows, err := svc.ListSeekers(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			if rows == nil {
				rows = []employment.SeekerRegistration{}
			}
			return printJSON(g, rows)
		}
		return jobsTable(g.stdout, "ID\tPERSON\tDIVISION\tSTATUS\tEDUCATION\tOCCUPATIONS\tSKILLS\tSALARY MIN\tGRADUATE", func(tw *tabwriter.Writer) {
			for _, r := range rows {
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%v\n", r.ID, r.PersonID, r.Division, r.Status, r.Education,
					jobsCodes(r.Occupations), strings.Join(r.Skills, ","), r.SalaryMin, r.Graduate)
			}
		})
	})
}

func jobsCodes(cs []employment.OccupationCode) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

func seekersShow(g *globals, args []string) error {
	fs := newFlags(g, "seekers show", "seekers show ID")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "id")
	if err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.Seeker(ctx, id)
	})
}

func jobsArgID(s, field string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.Invalidf(field, "id.format", "give a record ID, not %q", s)
	}
	return id, nil
}

func seekersRegister(g *globals, args []string) error {
	fs := newFlags(g, "seekers register", "seekers register --person ID [--occupations CODES] [--skills CODES] [--salary-min YUAN] [--mobility divisions|city] ...")
	var in employment.SeekerInput
	fs.Int64Var(&in.PersonID, "person", 0, "the person's registry ID")
	fs.StringVar(&in.Division, "division", "", "division of registration (default: where the person lives)")
	occs := fs.String("occupations", "", "desired occupation codes, comma-separated (at most 3)")
	skills := fs.String("skills", "", "skill codes, comma-separated (hrss skills list)")
	fs.StringVar(&in.Education, "education", "", "highest education (default: the registry's)")
	fs.IntVar(&in.ExperienceYears, "experience", 0, "years of work experience")
	fs.StringVar(&in.SalaryMin, "salary-min", "", "expected monthly wage in yuan, at least")
	divs := fs.String("accept", "", "other divisions the seeker works in, comma-separated")
	fs.StringVar(&in.Mobility, "mobility", "divisions", "divisions (home and --accept only) or city (anywhere in Jiaxing)")
	fs.BoolVar(&in.OptOut, "opt-out", false, "refuse personalised recommendations (PIPL Art. 24)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	in.Occupations, in.Skills, in.AcceptedDivisions = jobsList(*occs), jobsList(*skills), jobsList(*divs)
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.RegisterSeeker(ctx, in)
	})
}

func seekersClose(g *globals, args []string) error {
	fs := newFlags(g, "seekers close", "seekers close ID --ground GROUND [--date YYYY-MM-DD]")
	var d employment.Deregistration
	fs.StringVar(&d.Ground, "ground", "", "why: hired, business_started, ..., no_contact, withdrawn")
	fs.StringVar(&d.Date, "date", "", "when (default today)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "id")
	if err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.CloseSeeker(ctx, id, d)
	})
}
