package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"hrss/registry"
)

// runPersons lists and shows the registry's persons. Listings show the
// resident IDs and phone numbers masked, for the operator too (PIPL's
// minimum necessary); "show --reason" opens one person's whole numbers,
// audited with the reason.
func runPersons(g *globals, args []string) error {
	return jobsSub(g, "persons", args, map[string]func(*globals, []string) error{
		"list": personsList, "show": personsShow,
	}, "list", "show")
}

func personsList(g *globals, args []string) error {
	fs := newFlags(g, "persons list", "persons list [--resident-id ID] [--name PREFIX] [--division CODE] [--limit N] [--after ID] [--as USER] [--json]\n\n"+
		"Resident IDs and phone numbers are masked (330402********1234, 138****5678); hrss persons show --reason TEXT ID\n"+
		"opens one person's whole numbers, audited with the reason.")
	rid := fs.String("resident-id", "", "a whole resident ID number (exact match)")
	name := fs.String("name", "", "the beginning of the name")
	div := fs.String("division", "", "county-level division code of residence, e.g. 330402")
	limit := fs.Int("limit", registry.DefaultPage, "at most this many (1-1000)")
	after := fs.Int64("after", 0, "list persons with IDs above this")
	as := fs.String("as", "", "act as this user (default: the system operator)")
	asJSON := fs.Bool("json", false, `print [{"id","resident_id","name",...}]`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	q := registry.PersonQuery{ResidentID: *rid, NamePrefix: *name, Division: *div, Page: registry.Page{After: *after, Limit: *limit}}
	return withUser(g, *as, func(ctx context.Context, a *app) error {
		ps, err := a.registry.FindPersons(ctx, q)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, ps)
		}
		return jobsTable(g.stdout, "ID\tRESIDENT ID\tNAME\tSEX\tBIRTH\tDIVISION\tPHONE", func(tw *tabwriter.Writer) {
			for _, p := range ps {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.ResidentID, p.Name, p.Sex, p.Birth, p.ResidenceDivision, p.Phone)
			}
		})
	})
}

func personsShow(g *globals, args []string) error {
	fs := newFlags(g, "persons show", "persons show [--reason TEXT] [--as USER] ID\n\n"+
		"Prints the person's record as JSON, the resident ID and phone number masked; with --reason, whole\n"+
		"(for the operator, or a user whose role may see them), the view audited with the reason.")
	reason := fs.String("reason", "", "why the whole numbers are needed (recorded in the audit trail)")
	as := fs.String("as", "", "act as this user (default: the system operator)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	id, err := jobsArgID(fs.Arg(0), "id")
	if err != nil {
		return err
	}
	return withUser(g, *as, func(ctx context.Context, a *app) error {
		var p registry.Person
		if *reason != "" {
			p, err = a.registry.RevealPerson(ctx, id, *reason)
		} else {
			p, err = a.registry.Person(ctx, id)
		}
		if err != nil {
			return err
		}
		return printJSON(g, p)
	})
}
