// Command hrss is the one binary of hrss: the web application and JSON API
// (serve), the synthetic demo city (demo), and the operators' CLI.
//
// This package only parses flags, wires the adapters to the domain and
// renders results; the work is done in the domain packages.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"hrss/rules/fault"
)

// command is one subcommand of hrss.
type command struct {
	name    string
	summary string
	run     func(g *globals, args []string) error
}

// commands lists every subcommand, in the order --help shows them.
var commands = []command{
	{"serve", "serve the web application and the JSON API", runServe},
	{"demo", "generate the synthetic city and serve it", runDemo},
	{"migrate", "apply the embedded database migrations", runMigrate},
	{"queue", "the job queue every server shares: list, show, add (assessment, scans, payment runs, sync)", runQueue},
	{"backup", "write a consistent copy of the database while it serves (SQLite online; PostgreSQL pg_dump)", runBackup},
	{"restore", "replace the database with a backup (checked first; refuses a database in use)", runRestore},
	{"rekey", "rotate the resident-ID key: reseal every ID under a new key, resumable", runRekey},
	{"persons", "persons of the registry: list (numbers masked), show (--reason: whole, audited)", runPersons},
	{"idcheck", "check resident ID numbers and unified social credit codes", runIdcheck},
	{"rules", "the law as code: parameters and formulas", runRules},
	{"simulate", "evaluate a reform against the baseline over the registry", runSimulate},
	{"assess", "assess (核定) a period's contributions and bill employers", runAssess},
	{"close", "close an assessed period", runClose},
	{"wages", "yearly base declarations (年度缴费基数申报) of relations: declare (one, or an employer's Excel/CSV file), list", runWages},
	{"corrections", "corrections of closed periods under four eyes: prepare, derive (from a changed declaration or a late enrolment), approve, reject, list", runCorrections},
	{"check", "verify social insurance's invariants (exit 1 on a breach)", runCheck},
	{"collections", "import a tax-bureau collection file (CSV or Excel)", runCollections},
	{"arrears", "payers in arrears with principal and late fee", runArrears},
	{"late-fees", "late fees (滞纳金) billed to a day, with their rule: bill, list", runLateFees},
	{"credits", "overpaid and unmatched collections kept as credits: list, rematch to a bill", runCredits},
	{"refunds", "refunds of credits: prepare, approve or reject (four eyes), list, issue, bank-file", runRefunds},
	{"bills", "employers' and flexible workers' bills with due, paid and overpaid", runBills},
	{"income", "contribution income by division and period: billed, paid, outstanding", runIncome},
	{"accounts", "personal pension accounts: close-year posts the yearly interest", runAccounts},
	{"statement", "a person's rights record (个人权益记录)", runStatement},
	{"claims", "pension and unemployment claims: open, approve, reject, list, adjust", runClaims},
	{"pensions", "provisional pensions recomputed once their year's base is published, under four eyes: recompute, list, show, approve, reject", runPensions},
	{"pay", "monthly benefit payment runs with their disbursement file", runPay},
	{"user", "users, roles and division scopes: add, list, disable, enable", runUser},
	{"token", "API tokens for other systems: create, revoke, list", runToken},
	{"audit", "the hash-chained audit trail: verify, list", runAudit},
	{"seekers", "job-seeker registrations (求职登记): list, show, register, close", runSeekers},
	{"unemployment", "unemployment registrations (失业登记): list, register, deregister", runUnemployment},
	{"match", "explained matching: top vacancies for a seeker, top seekers for a vacancy", runMatch},
	{"match-batch", "capacity-aware batch matching for a division, with vacancy coverage", runMatchBatch},
	{"vacancies", "vacancies: list, show, post, close", runVacancies},
	{"occupations", "the occupational classification (职业分类大典): list, import", runOccupations},
	{"skills", "the skill vocabulary: list, import", runSkills},
	{"graduates", "unemployed graduates' follow-up list and \"1131\" services: list, service", runGraduates},
	{"fairs", "job fairs and interview slots by deferred acceptance: list, create, join, register, allocate, show", runFairs},
	{"employment", "employment services' jobs: sync (scheduled), hire, placements", runEmployment},
	{"indicators", "the bureau's indicators against the year's targets, by division and month; --drill lists the records behind a count", runIndicators},
	{"targets", "the yearly targets of the indicators: set, list", runTargets},
	{"report", "the fixed-format monthly report by division (Excel with --out)", runReport},
	{"support", "support programmes (免申即享): scan, grants, batches, payment runs, bank returns, internships, loans", runSupport},
}

// globals are the options every subcommand shares.
type globals struct {
	db      string // file path (SQLite) or postgres:// URL
	params  string // directory of parameter overrides, "" for none
	keyFile string // file holding the identifier key when HRSS_KEY is unset
	// langCode is --lang: the language of results, explanations and
	// errors ("" for the environment's locale; see lang).
	langCode string
	// scanEvery is how often serve runs the support programmes' scan
	// (flag --scan-every of serve and demo; 0 never).
	scanEvery time.Duration
	serve     serveOptions // the other settings of serve (serve.go)
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
}

// exitCode is returned by a command that wants a particular exit status
// without printing an error (idcheck with an invalid number, check with a
// breach).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run parses the global flags, finds the subcommand and runs it, returning
// the process exit status: 0 success, 1 failure, 2 usage error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("hrss", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.db, g.params, g.keyFile = envOr("HRSS_DB", "hrss.db"), os.Getenv("HRSS_PARAMS"), envOr("HRSS_KEY_FILE", "hrss.key")
	g.register(fs)
	fs.Usage = func() { usage(fs, stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		usage(fs, stderr)
		return 2
	}
	name, rest := fs.Arg(0), fs.Args()[1:]
	if name == "help" {
		usage(fs, stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == name {
			return exitStatus(inLang(c.run(g, rest), g.lang()), stderr)
		}
	}
	fmt.Fprintf(stderr, "hrss: unknown command %q; run hrss --help for the list\n", name)
	return 2
}

// exitStatus prints err (if it is worth printing) and maps it to a status.
func exitStatus(err error, stderr io.Writer) int {
	var code exitCode
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintln(stderr, "hrss:", err)
	if fault.KindOf(err) == fault.Invalid {
		return 2
	}
	return 1
}

// errUsage is returned after a flag set has printed its own usage message.
var errUsage = errors.New("usage")

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintln(w, "hrss: the platform of a city's Human Resources and Social Security bureau")
	fmt.Fprintln(w, "\nUsage: hrss [global flags] COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nGlobal flags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nRun hrss COMMAND --help for the flags of a command.")
}

// newFlags returns the flag set of a subcommand, printing its usage to
// g.stderr, and parse parses args with it, mapping -h to flag.ErrHelp.
func newFlags(g *globals, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet("hrss "+name, flag.ContinueOnError)
	fs.SetOutput(g.stderr)
	fs.Usage = func() {
		fmt.Fprintf(g.stderr, "Usage: hrss %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	g.register(fs)
	return fs
}

// register adds the global flags to a subcommand's flag set too, so that
// "hrss demo --db x.db" works as well as "hrss --db x.db demo".
func (g *globals) register(fs *flag.FlagSet) {
	fs.StringVar(&g.db, "db", g.db, "database: a file path for embedded SQLite or a postgres:// URL (env HRSS_DB)")
	fs.StringVar(&g.params, "params", g.params, "directory of parameter files that add to or override the embedded ones (env HRSS_PARAMS)")
	fs.StringVar(&g.langCode, "lang", g.langCode, "language of results, explanations and errors: zh-CN or en (default: from LC_ALL, LC_MESSAGES or LANG; zh* is zh-CN)")
	fs.StringVar(&g.keyFile, "key-file", g.keyFile, "file holding the identifier encryption key, created on first start if HRSS_KEY is unset (env HRSS_KEY_FILE)")
}

// parseFlags parses args and returns flag.ErrHelp or errUsage on failure.
// parseFlags parses a command's args with fs: flags may stand before,
// between or after the positional arguments ("deregister 7 --ground x"
// reads as "deregister --ground x 7"), and "--" ends the flags. Then
// fs.Args() holds the positional arguments in their order.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return flag.ErrHelp
			}
			return errUsage
		}
		rest := fs.Args()
		if at := len(args) - len(rest); len(rest) == 0 || (at > 0 && args[at-1] == "--") {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...)) // fs.Args() = pos
}

func envOr(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}
