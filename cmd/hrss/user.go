package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"hrss/access"
	"hrss/rules/fault"
)

// subcommand is one subcommand of a command group (hrss user add, …).
type subcommand struct {
	name, summary string
	run           func(g *globals, args []string) error
}

// dispatch runs the subcommand of group named by args[0].
func dispatch(g *globals, group, about string, subs []subcommand, args []string) error {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: hrss %s SUBCOMMAND [flags]\n\n%s\n\nSubcommands:\n", group, about)
		for _, c := range subs {
			fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
		}
		fmt.Fprintf(w, "\nRun hrss %s SUBCOMMAND --help for its flags.\n", group)
	}
	if len(args) == 0 {
		usage(g.stderr)
		return errUsage
	}
	if a := args[0]; a == "-h" || a == "-help" || a == "--help" || a == "help" {
		usage(g.stdout)
		return nil
	}
	for _, c := range subs {
		if c.name == args[0] {
			return c.run(g, args[1:])
		}
	}
	fmt.Fprintf(g.stderr, "hrss %s: unknown subcommand %q\n", group, args[0])
	usage(g.stderr)
	return errUsage
}

// withApp opens the app and runs fn as the System caller: the operator at
// the command line is audited as "system".
func withApp(g *globals, fn func(ctx context.Context, a *app) error) error {
	ctx := systemContext(context.Background())
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	return fn(ctx, a)
}

var userCommands = []subcommand{
	{"add", "create a user", userAdd},
	{"list", "list users", userList},
	{"disable", "disable a user and end their sessions", func(g *globals, args []string) error { return userSetDisabled(g, args, true) }},
	{"enable", "enable (and unlock) a user", func(g *globals, args []string) error { return userSetDisabled(g, args, false) }},
	{"totp", "give a user a second factor (TOTP), or remove it with --reset", userTOTP},
}

func runUser(g *globals, args []string) error {
	return dispatch(g, "user", "Users, their roles and scopes. The command line acts as the system and is audited as such.", userCommands, args)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func userAdd(g *globals, args []string) error {
	fs := newFlags(g, "user add", "user add --name NAME --role ROLE [--division CODE]... [--employer ID] [--person ID] [--password-stdin]")
	var in access.UserInput
	var divs stringList
	fs.StringVar(&in.Name, "name", "", "sign-in name: lower-case letters, digits, '.', '_', '-'")
	fs.StringVar(&in.Role, "role", "", "one of "+roleNames())
	fs.Var(&divs, "division", "a division of a caseworker or reviewer (repeat; 330400 for the whole city)")
	fs.Int64Var(&in.EmployerID, "employer", 0, "the employer an employer agent acts for")
	fs.Int64Var(&in.PersonID, "person", 0, "the person a citizen is")
	stdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin; otherwise one is generated and printed once")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	in.Divisions = divs
	generated := !*stdin
	if generated {
		in.Password = access.RandomPassword(16)
	} else if pw, err := readPassword(g.stdin); err != nil {
		return err
	} else {
		in.Password = pw
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		u, err := a.access.CreateUser(ctx, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "created user %d %s (%s)\n", u.ID, u.Name, scopeText(u))
		if generated {
			fmt.Fprintf(g.stdout, "password: %s (shown only now)\n", in.Password)
		}
		return nil
	})
}

// readPassword reads the first line of r, without its line end.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", fault.Invalidf("password", "password.length", "--password-stdin read no password from stdin")
	}
	return pw, nil
}

func roleNames() string {
	s := make([]string, len(access.Roles))
	for i, r := range access.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// scopeText says in a few words whom u acts for.
func scopeText(u access.User) string {
	switch {
	case len(u.Divisions) > 0:
		return fmt.Sprintf("%s of %s", u.Role, strings.Join(u.Divisions, ","))
	case u.EmployerID != 0:
		return fmt.Sprintf("%s of employer %d", u.Role, u.EmployerID)
	case u.PersonID != 0:
		return fmt.Sprintf("%s, person %d", u.Role, u.PersonID)
	}
	return string(u.Role)
}

func userList(g *globals, args []string) error {
	fs := newFlags(g, "user list", "user list [--role ROLE]")
	role := fs.String("role", "", "only users of this role")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tSCOPE\tSTATE")
		f := access.UserFilter{Role: access.Role(*role), Page: access.Page{Limit: access.MaxPage}}
		for {
			us, err := a.access.ListUsers(ctx, f)
			if err != nil {
				return err
			}
			for _, u := range us {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, scopeText(u), userState(u))
			}
			if len(us) < f.Limit {
				return tw.Flush()
			}
			f.After = us[len(us)-1].ID
		}
	})
}

func userState(u access.User) string {
	switch {
	case u.Disabled:
		return "disabled"
	case time.Now().Before(u.LockedUntil):
		return "locked until " + u.LockedUntil.Local().Format("2006-01-02 15:04")
	}
	return "active"
}

// userSetDisabled disables or enables the user named by the one argument.
func userSetDisabled(g *globals, args []string, disabled bool) error {
	verb := map[bool]string{true: "disable", false: "enable"}[disabled]
	fs := newFlags(g, "user "+verb, "user "+verb+" NAME")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		u, err := a.access.UserByName(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		in := access.UserInput{Name: u.Name, Role: string(u.Role), Divisions: u.Divisions, EmployerID: u.EmployerID, PersonID: u.PersonID, Disabled: disabled}
		if _, err := a.access.UpdateUser(ctx, u.ID, in); err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "%sd user %s\n", verb, u.Name)
		return nil
	})
}

// userTOTP provisions (or with --reset removes) the second factor of
// the user named by the one argument, printing the new secret once.
func userTOTP(g *globals, args []string) error {
	fs := newFlags(g, "user totp", "user totp [--reset] NAME")
	reset := fs.Bool("reset", false, "remove the user's second factor instead")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		u, err := a.access.UserByName(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		if *reset {
			in := access.UserInput{Name: u.Name, Role: string(u.Role), Divisions: u.Divisions, EmployerID: u.EmployerID, PersonID: u.PersonID, Disabled: u.Disabled, ResetTOTP: true}
			if _, err := a.access.UpdateUser(ctx, u.ID, in); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "removed the second factor of %s\n", u.Name)
			return nil
		}
		k, err := a.access.ProvisionTOTP(ctx, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "second factor of %s, shown only now: add it to an authenticator app\nsecret: %s\nuri:    %s\n", u.Name, k.Secret, k.URI)
		return nil
	})
}

var tokenCommands = []subcommand{
	{"create", "create an API token for a user (the secret is printed once)", tokenCreate},
	{"revoke", "revoke an API token at once", tokenRevoke},
	{"list", "list API tokens", tokenList},
}

func runToken(g *globals, args []string) error {
	return dispatch(g, "token", "API tokens for other systems: each acts as its user, within the user's role and scope,\nnarrowed to reading unless created with --scope write.", tokenCommands, args)
}

func tokenCreate(g *globals, args []string) error {
	fs := newFlags(g, "token create", "token create --user NAME --name LABEL [--scope read|write] [--days N]")
	user := fs.String("user", "", "the user the token acts as")
	var in access.TokenInput
	fs.StringVar(&in.Name, "name", "", "what the token is for, e.g. tax-bureau-sync")
	fs.StringVar(&in.Scope, "scope", "read", "read, or write")
	fs.IntVar(&in.Days, "days", access.DefaultTokenDays, "lifetime in days")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		u, err := a.access.UserByName(ctx, *user)
		if err != nil {
			return err
		}
		in.UserID = u.ID
		t, secret, err := a.access.CreateToken(ctx, in)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stderr, "token %d for %s (%s, expires %s); the secret, shown only now:\n", t.ID, u.Name, t.Scope, t.ExpiresAt.Format("2006-01-02"))
		fmt.Fprintln(g.stdout, secret)
		return nil
	})
}

func tokenRevoke(g *globals, args []string) error {
	fs := newFlags(g, "token revoke", "token revoke ID")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if fs.NArg() != 1 || err != nil {
		fs.Usage()
		return errUsage
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		t, err := a.access.RevokeToken(ctx, id)
		if err == nil {
			fmt.Fprintf(g.stdout, "revoked token %d (%s) at %s\n", t.ID, t.Name, t.RevokedAt.Local().Format(time.RFC3339))
		}
		return err
	})
}

func tokenList(g *globals, args []string) error {
	fs := newFlags(g, "token list", "token list [--user NAME]")
	user := fs.String("user", "", "only this user's tokens")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		f := access.TokenFilter{Page: access.Page{Limit: access.MaxPage}}
		if *user != "" {
			u, err := a.access.UserByName(ctx, *user)
			if err != nil {
				return err
			}
			f.UserID = u.ID
		}
		tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSER\tNAME\tSCOPE\tEXPIRES\tSTATE")
		for {
			ts, err := a.access.ListTokens(ctx, f)
			if err != nil {
				return err
			}
			for _, t := range ts {
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", t.ID, t.UserID, t.Name, t.Scope, t.ExpiresAt.Format("2006-01-02"), tokenState(t))
			}
			if len(ts) < f.Limit {
				return tw.Flush()
			}
			f.After = ts[len(ts)-1].ID
		}
	})
}

func tokenState(t access.Token) string {
	switch {
	case !t.RevokedAt.IsZero():
		return "revoked"
	case !time.Now().Before(t.ExpiresAt):
		return "expired"
	}
	return "active"
}
