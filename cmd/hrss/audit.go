package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"hrss/access"
)

var auditCommands = []subcommand{
	{"verify", "walk the hash chain; exit 1 naming the first edited or deleted entry", auditVerify},
	{"list", "list entries, newest first (--person: who looked at this person)", auditList},
}

func runAudit(g *globals, args []string) error {
	return dispatch(g, "audit", "The audit trail: every write and every view of a person's data, append-only and hash-chained.", auditCommands, args)
}

func auditVerify(g *globals, args []string) error {
	fs := newFlags(g, "audit verify", "audit verify")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		r, err := a.access.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		if r.Breach != nil {
			fmt.Fprintln(g.stderr, "hrss:", r)
			return exitCode(1)
		}
		fmt.Fprintln(g.stdout, r)
		fmt.Fprintln(g.stdout, "keep the head hash elsewhere: a later head that does not extend it means the end was rewritten")
		return nil
	})
}

func auditList(g *globals, args []string) error {
	fs := newFlags(g, "audit list", "audit list [--person ID] [--user NAME] [--action ACTION] [--limit N]")
	var f access.AuditFilter
	fs.Int64Var(&f.PersonID, "person", 0, "entries that showed or changed this person's data")
	user := fs.String("user", "", "entries caused by this user")
	fs.StringVar(&f.Action, "action", "", "entries of this action, e.g. person.view")
	fs.IntVar(&f.Limit, "limit", 50, fmt.Sprintf("at most this many entries (up to %d)", access.MaxPage))
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withApp(g, func(ctx context.Context, a *app) error {
		if *user != "" {
			u, err := a.access.UserByName(ctx, *user)
			if err != nil {
				return err
			}
			f.UserID = u.ID
		}
		es, err := a.access.ListAudit(ctx, f)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tAT\tACTOR\tROLE\tACTION\tOBJECT\tPERSONS\tFROM\tREASON")
		for _, e := range es {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.Local().Format("2006-01-02 15:04:05"), e.Actor, e.Role,
				e.Action, e.Object, persons(e.Subjects), e.IP, e.Reason)
		}
		return tw.Flush()
	})
}

// persons shows an entry's subjects, eliding a long list.
func persons(ids []int64) string {
	s := access.JoinIDs(ids)
	if len(ids) > 5 {
		s = strings.Join(strings.Split(s, ",")[:5], ",") + fmt.Sprintf(",… (%d)", len(ids))
	}
	return s
}
