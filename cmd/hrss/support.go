package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
	"hrss/support"
)

// supportService returns the support programmes' service of a.
func supportService(g *globals, a *app) (*support.Service, error) {
	params, err := rules.Load(g.params)
	if err != nil {
		return nil, err
	}
	return &support.Service{Store: a.db.Support(), Params: params}, nil
}

// webSupport is supportService for the web server (parameters already checked).
func webSupport(a *app) *support.Service {
	svc, err := supportService(&globals{params: a.params}, a)
	if err != nil {
		return nil
	}
	return svc
}

// withSupport opens the app and runs fn with the support service, as
// System or as the user named by as (withUser).
func withSupport(g *globals, as string, fn func(ctx context.Context, svc *support.Service) error) error {
	return withUser(g, as, func(ctx context.Context, a *app) error {
		svc, err := supportService(g, a)
		if err != nil {
			return err
		}
		return fn(ctx, svc)
	})
}

// withUser opens the app and runs fn as System, or as the user named by
// as (a caseworker who prepares, a reviewer who approves: four eyes hold
// at the command line too), with a context that ends on Ctrl-C.
func withUser(g *globals, as string, fn func(ctx context.Context, a *app) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	ctx = systemContext(ctx)
	if as != "" {
		u, err := a.access.UserByName(ctx, as)
		if err != nil {
			return fault.Invalidf("as", "cli.as", "--as %q: %v", as, err)
		}
		ctx = access.WithCaller(ctx, access.Caller{UserID: u.ID, Name: u.Name, Role: u.Role, Divisions: u.Divisions, EmployerID: u.EmployerID, PersonID: u.PersonID})
	}
	return fn(ctx, a)
}

// supportCommand is one subcommand of hrss support.
type supportCommand struct {
	name, synopsis string
	run            func(g *globals, name string, args []string) error
}

// supportCommands are the subcommands of hrss support (set in init: their
// flag sets print the synopsis of this list).
var supportCommands []supportCommand

func init() {
	supportCommands = []supportCommand{
		{"programmes", "programmes [--json]  the programmes with their rules, parameters, sources and confidence", supportProgrammes},
		{"scan", "scan [--programme P] [--as-of YYYY-MM-DD] [--json]  find who is owed a grant (免申即享) and create pending grants", supportScan},
		{"grants", "grants [--programme P] [--division D] [--status S] [--person ID] [--employer ID] [--limit N] [--json]", supportGrants},
		{"grant", "grant ID [--json]  one grant with the rule's trace and its payments", supportGrant},
		{"prepare", "prepare --division D [--programme P] [--grants ID,ID] --as CASEWORKER  put pending grants in a batch", supportPrepare},
		{"batches", "batches [--status S] [--json]", supportBatches},
		{"approve", "approve BATCH --as REVIEWER  four eyes: never the preparer", supportDecide},
		{"reject-batch", "reject-batch BATCH --reason TEXT --as REVIEWER", supportDecide},
		{"reject", "reject GRANT --reason TEXT [--as USER]", supportSettle},
		{"revoke", "revoke GRANT --reason TEXT [--as USER]  before payment: revoked; after: a clawback recorded", supportSettle},
		{"payee", "payee --kind employer|person|bank --id ID --bank B --account DIGITS --holder NAME", supportPayee},
		{"pay", "pay [--out FILE.csv|FILE.xlsx]  a payment run of the approved grants (and corrected failed ones); writes the bank file", supportPay},
		{"bank-file", "bank-file RUN --out FILE.csv|FILE.xlsx", supportBankFile},
		{"return", "return FILE  the bank's return file (reference,status,reason; CSV or Excel)", supportReturn},
		{"internship", "internship --employer ID --person ID --start D --end D --allowance YUAN", supportInternship},
		{"loan", "loan apply|approve|reject|default|claim|show|list ...  entrepreneurship guaranteed loans", supportLoan},
		{"totals", "totals [--programme P] [--json]  grants by programme, division and status (aggregates)", supportTotals},
	}
}

func runSupport(g *globals, args []string) error {
	if len(args) > 0 {
		for _, c := range supportCommands {
			if c.name == args[0] {
				return c.run(g, c.name, args[1:])
			}
		}
	}
	fmt.Fprintln(g.stderr, "Usage: hrss support COMMAND [flags]\n\nCommands:")
	for _, c := range supportCommands {
		fmt.Fprintln(g.stderr, "  "+c.synopsis)
	}
	return errUsage
}

func supportFlags(g *globals, name string) *flag.FlagSet {
	for _, c := range supportCommands {
		if c.name == name {
			return newFlags(g, "support "+name, "support "+c.synopsis)
		}
	}
	return newFlags(g, "support "+name, "support "+name)
}

func supportProgrammes(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		ps, err := svc.Programmes(ctx, period.Date{}, "")
		if err != nil || *asJSON {
			return orJSON(g, ps, err)
		}
		for _, p := range ps {
			fmt.Fprintf(g.stdout, "%s  %s / %s  [%s; %s]\n  formula %s, pays the %s, groups %v, from %s", p.Code, p.NameZH, p.NameEN, p.Confidence, p.Reference,
				p.Formula, p.Beneficiary, p.Groups, p.From)
			if !p.Until.IsZero() {
				fmt.Fprintf(g.stdout, " until %s", p.Until)
			}
			fmt.Fprintln(g.stdout)
			for _, v := range p.Values {
				fmt.Fprintf(g.stdout, "    %-32s %-12s [%s, %s; %s]\n", v.Suffix, v.Value.Text, v.Value.Jurisdiction, v.Value.Confidence, v.Value.Reference)
			}
		}
		return nil
	})
}

// orJSON prints v as JSON unless err.
func orJSON(g *globals, v any, err error) error {
	if err != nil {
		return err
	}
	return printJSON(g, v)
}

// scanJSON is the contract of hrss support scan --json.
type scanJSON struct {
	AsOf        string                    `json:"as_of"`
	Eligible    int                       `json:"eligible"`
	Created     int                       `json:"created"`
	Revoked     int                       `json:"revoked"`
	ByProgramme map[string]scanProgrammeJ `json:"by_programme"`
}

type scanProgrammeJ struct {
	Eligible int       `json:"eligible"`
	Created  int       `json:"created"`
	Revoked  int       `json:"revoked"`
	Amount   money.Fen `json:"amount"`
}

func supportScan(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	prog := fs.String("programme", "", "one programme (default: every programme found from the records)")
	asOf := fs.String("as-of", "", "read the records as of this day, YYYY-MM-DD (default today)")
	asJSON := fs.Bool("json", false, `print {"as_of","eligible","created","by_programme":{P:{"eligible","created","amount"}}}`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	opt := support.ScanOptions{Programme: *prog}
	if *asOf != "" {
		d, err := period.ParseDate(*asOf)
		if err != nil {
			return fault.Invalidf("as-of", "support.as_of", "--as-of %q is not a date YYYY-MM-DD", *asOf)
		}
		opt.AsOf = d
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		sc, err := svc.Scan(ctx, opt)
		if err != nil {
			return err
		}
		out := scanJSON{AsOf: sc.AsOf.String(), Eligible: sc.Eligible, Created: sc.Created, Revoked: sc.Revoked, ByProgramme: map[string]scanProgrammeJ{}}
		for code, p := range sc.ByProgramme {
			out.ByProgramme[code] = scanProgrammeJ{Eligible: p.Eligible, Created: p.Created, Revoked: p.Revoked, Amount: p.Amount}
		}
		if *asJSON {
			return printJSON(g, out)
		}
		g.say("cli.support.scan", msg.Int("scan", int(sc.ID)), msg.Date("as_of", sc.AsOf), msg.Int("eligible", sc.Eligible), msg.Int("created", sc.Created), msg.Int("revoked", sc.Revoked))
		for _, code := range sortedKeys(sc.ByProgramme) {
			p := sc.ByProgramme[code]
			g.say("cli.support.scan_programme", msg.Text("programme", code), msg.Int("candidates", p.Candidates), msg.Int("eligible", p.Eligible),
				msg.Int("created", p.Created), msg.Int("revoked", p.Revoked), msg.Fen("amount", p.Amount))
		}
		return nil
	})
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func supportGrants(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	var f support.GrantFilter
	fs.StringVar(&f.Programme, "programme", "", "one programme")
	div := fs.String("division", "", "one division")
	status := fs.String("status", "", "pending, prepared, approved, issued, paid, failed, rejected, revoked or clawback")
	fs.Int64Var(&f.PersonID, "person", 0, "one person's grants")
	fs.Int64Var(&f.EmployerID, "employer", 0, "one employer's grants")
	fs.IntVar(&f.Limit, "limit", 100, "at most this many (0: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *div != "" {
		f.Divisions = []string{*div}
	}
	f.Status = support.Status(*status)
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		gs, err := svc.Grants(ctx, f)
		if err != nil || *asJSON {
			return orJSON(g, gs, err)
		}
		fmt.Fprintf(g.stdout, "%6s %-17s %-9s %-8s %-8s %-12s %-14s %10s  %s\n", "id", "programme", "status", "division", "person", "employer", "group", "amount", "reason")
		for _, x := range gs {
			fmt.Fprintf(g.stdout, "%6d %-17s %-9s %-8s %-8d %-12d %-14s %10s  %s\n", x.ID, x.Programme, x.Status, x.Division, x.PersonID, x.EmployerID, x.Group, x.Amount, x.Reason.In(g.lang()))
		}
		return nil
	})
}

// parsePositional parses flags around the positional arguments and
// returns those (parseFlags).
func parsePositional(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, err
	}
	return fs.Args(), nil
}

// parseWithID parses flags around one positional ID.
func parseWithID(fs *flag.FlagSet, args []string, what string) (int64, error) {
	pos, err := parsePositional(fs, args)
	if err != nil {
		return 0, err
	}
	if len(pos) != 1 {
		return 0, fault.Invalidf(what, "support.id", "give the %s's ID", what)
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, fault.Invalidf(what, "support.id", "%q is not a %s ID", pos[0], what)
	}
	return id, nil
}

func supportGrant(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	asJSON := fs.Bool("json", false, "print JSON (each step of the trace with its text in --lang)")
	id, err := parseWithID(fs, args, "grant")
	if err != nil {
		return err
	}
	l, err := g.language()
	if err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		gr, pays, err := svc.Grant(ctx, id)
		if err != nil {
			return err
		}
		rules.Localize(gr.Trace, l)
		if *asJSON {
			return printJSON(g, map[string]any{"grant": gr, "payments": pays})
		}
		g.say("cli.support.grant", msg.Int("grant", int(gr.ID)), msg.Text("programme", gr.Programme), msg.Fen("amount", gr.Amount),
			msg.Text("beneficiary", string(gr.Beneficiary)), msg.Int("payee", int(gr.PayeeID)), msg.Text("status", string(gr.Status)), msg.Text("note", gr.Note),
			msg.Int("person", int(gr.PersonID)), msg.Text("person_name", gr.PersonName), msg.Int("employer", int(gr.EmployerID)), msg.Text("employer_name", gr.Employer),
			msg.Text("division", gr.Division), msg.Date("event", gr.Event), msg.Text("reason", gr.Reason.In(l)))
		for _, st := range gr.Trace {
			fmt.Fprintln(g.stdout, "  "+st.Text)
		}
		for _, p := range pays {
			fmt.Fprintf(g.stdout, "  payment %s (run %d): %s, %s %s %s %s\n", p.Reference, p.RunID, p.Status, p.Amount, p.Bank, p.Account, p.Failure)
		}
		return nil
	})
}

func supportPrepare(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	div := fs.String("division", "", "the division of the batch")
	prog := fs.String("programme", "", "one programme's grants only")
	ids := fs.String("grants", "", "comma-separated grant IDs (default: every pending grant of the division)")
	as := fs.String("as", "", "the caseworker preparing (a user name)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var list []int64
	for _, s := range strings.Split(*ids, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fault.Invalidf("grants", "support.grants", "%q is not a grant ID", s)
		}
		list = append(list, id)
	}
	return withSupport(g, *as, func(ctx context.Context, svc *support.Service) error {
		b, err := svc.PrepareBatch(ctx, *div, *prog, list)
		if err != nil {
			return err
		}
		g.say("cli.support.batch_prepared", msg.Int("batch", int(b.ID)), msg.Text("division", b.Division), msg.Text("preparer", b.Preparer),
			msg.Int("grants", b.Grants), msg.Fen("total", b.Total))
		return nil
	})
}

func supportBatches(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	status := fs.String("status", "", "prepared, approved or rejected")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		bs, err := svc.Batches(ctx, support.Status(*status))
		if err != nil || *asJSON {
			return orJSON(g, bs, err)
		}
		for _, b := range bs {
			fmt.Fprintf(g.stdout, "%5d %-8s %-9s %5d grants %12s yuan  prepared by %s %s  %s\n", b.ID, b.Division, b.Status, b.Grants, b.Total, b.Preparer, b.Reviewer, b.Note)
		}
		return nil
	})
}

func supportDecide(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	as := fs.String("as", "", "the reviewer deciding (a user name)")
	reason := fs.String("reason", "", "why (required to reject)")
	id, err := parseWithID(fs, args, "batch")
	if err != nil {
		return err
	}
	if *as == "" {
		return fault.Invalidf("as", "support.as", "--as REVIEWER is required: a reviewer who did not prepare the batch decides it")
	}
	return withSupport(g, *as, func(ctx context.Context, svc *support.Service) error {
		b, err := svc.DecideBatch(ctx, id, name == "approve", *reason)
		if err != nil {
			return err
		}
		g.say("cli.support.batch_decided", msg.Int("batch", int(b.ID)), msg.Text("status", string(b.Status)), msg.Text("reviewer", b.Reviewer),
			msg.Int("grants", b.Grants), msg.Fen("total", b.Total))
		return nil
	})
}

func supportSettle(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	as := fs.String("as", "", "the user acting (default the system operator)")
	reason := fs.String("reason", "", "why (required)")
	id, err := parseWithID(fs, args, "grant")
	if err != nil {
		return err
	}
	return withSupport(g, *as, func(ctx context.Context, svc *support.Service) error {
		f := svc.Reject
		if name == "revoke" {
			f = svc.Revoke
		}
		gr, err := f(ctx, id, *reason)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Grant %d is %s: %s\n", gr.ID, gr.Status, gr.Note)
		return nil
	})
}

func supportPayee(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	var p support.Payee
	kind := fs.String("kind", "", "employer, person or bank (a loan's lending bank, --id the loan)")
	fs.Int64Var(&p.ID, "id", 0, "the employer's, person's or loan's ID")
	fs.StringVar(&p.Bank, "bank", "", "the bank")
	fs.StringVar(&p.Account, "account", "", "the account number (digits)")
	fs.StringVar(&p.Holder, "holder", "", "the account holder")
	seen := fs.String("updated-at", "", "the updated_at of the account as read: refused if it changed since")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p.Kind = rules.Beneficiary(*kind)
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		p, err := svc.SetPayee(ctx, p, *seen)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Payee %s %d: %s %s (%s), updated_at %s\n", p.Kind, p.ID, p.Bank, p.Account, p.Holder, access.Seen(p.UpdatedAt))
		return nil
	})
}

func supportPay(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	out := fs.String("out", "", "write the bank file here (.xlsx for Excel, CSV otherwise)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		rep, err := svc.Pay(ctx, "")
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Payment run %d: %d rows (%d re-issued), %s yuan; %d approved grants without an account, %d failed awaiting a corrected account.\n",
			rep.Run.ID, rep.Run.Rows, rep.Run.Reissues, rep.Run.Total, len(rep.NoAccount), len(rep.Waiting))
		if *out == "" {
			return nil
		}
		return writeBankFile(ctx, g, svc, rep.Run.ID, *out)
	})
}

func writeBankFile(ctx context.Context, g *globals, svc *support.Service, run int64, out string) error {
	data, err := svc.BankFile(ctx, run, strings.EqualFold(filepath.Ext(out), ".xlsx"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Bank file of run %d written to %s.\n", run, out)
	return nil
}

func supportBankFile(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	out := fs.String("out", "", "the file to write (.xlsx for Excel, CSV otherwise)")
	id, err := parseWithID(fs, args, "run")
	if err != nil {
		return err
	}
	if *out == "" {
		return fault.Invalidf("out", "support.out", "--out FILE is required")
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error { return writeBankFile(ctx, g, svc, id, *out) })
}

func supportReturn(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	pos, err := parsePositional(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fault.Invalidf("file", "support.file", "give the bank's return file")
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		rep, err := svc.ImportReturn(ctx, filepath.Base(pos[0]), data)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Return %d: %d rows, %d paid (%s yuan), %d failed, %d returned before.\n", rep.Return, rep.Rows, rep.Paid, rep.Amount, rep.Failed, rep.Already)
		return nil
	})
}

func supportInternship(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	var in support.InternshipInput
	fs.Int64Var(&in.EmployerID, "employer", 0, "the host employer's ID")
	fs.Int64Var(&in.PersonID, "person", 0, "the intern's person ID")
	fs.StringVar(&in.Start, "start", "", "first day, YYYY-MM-DD")
	fs.StringVar(&in.End, "end", "", "last day served, YYYY-MM-DD")
	fs.StringVar(&in.Allowance, "allowance", "", "monthly living allowance, yuan")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		it, err := svc.RecordInternship(ctx, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "Internship %d recorded: person %d at employer %d, %s to %s, %s yuan a month.\n", it.ID, it.PersonID, it.EmployerID, it.Start, it.End, it.Allowance)
		return nil
	})
}

func supportTotals(g *globals, name string, args []string) error {
	fs := supportFlags(g, name)
	prog := fs.String("programme", "", "one programme")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withSupport(g, "", func(ctx context.Context, svc *support.Service) error {
		ts, err := svc.Totals(ctx, *prog)
		if err != nil || *asJSON {
			return orJSON(g, ts, err)
		}
		for _, t := range ts {
			fmt.Fprintf(g.stdout, "%-18s %-8s %-9s %7d %14s\n", t.Programme, t.Division, t.Status, t.Grants, t.Amount)
		}
		return nil
	})
}
