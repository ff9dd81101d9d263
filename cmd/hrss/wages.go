package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"hrss/registry"
)

// runWages declares and lists the yearly base declarations (年度缴费基数申报)
// of employment relations.
func runWages(g *globals, args []string) error {
	return jobsSub(g, "wages", args, map[string]func(*globals, []string) error{
		"declare": wagesDeclare, "list": wagesList,
	}, "declare", "list")
}

func wagesDeclare(g *globals, args []string) error {
	fs := newFlags(g, "wages declare", "wages declare --employment ID --year YYYY --wage YUAN [--as USER] [--json]\n"+
		"       wages declare --employer ID --file FILE.csv|FILE.xlsx [--as USER] [--json]\n\n"+
		"Declares the monthly wage of a relation for a contribution year, or applies an employer's declaration\n"+
		"file (columns resident_id, year, declared_wage; Chinese headers 身份证号码, 年度, 申报工资 accepted) in one\n"+
		"transaction: a bad file is refused whole, each bad cell named by row and column. A relation and year\n"+
		"declared before is replaced. The assessment of the year's months reads the declaration.")
	employment := fs.Int64("employment", 0, "the employment relation's id")
	year := fs.Int("year", 0, "the contribution year")
	wage := fs.String("wage", "", "the monthly wage in yuan, e.g. 6500.00")
	employer := fs.Int64("employer", 0, "the employer whose file --file is")
	file := fs.String("file", "", "the declaration file, CSV or Excel (.xlsx)")
	as := fs.String("as", "", "act as this user (default: the system operator)")
	asJSON := fs.Bool("json", false, `print [{"employment_id","year","declared_wage","previous",...}]`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*file == "") == (*employment == 0) || (*file != "" && *employer == 0) {
		fs.Usage()
		return errUsage
	}
	var data []byte
	if *file != "" {
		var err error
		if data, err = os.ReadFile(*file); err != nil {
			return err
		}
	}
	return withUser(g, *as, func(ctx context.Context, a *app) error {
		var out []registry.WageDeclaration
		var err error
		if *file != "" {
			out, err = a.registry.DeclareWageFile(ctx, *employer, filepath.Base(*file), data)
		} else {
			out, err = a.registry.DeclareWages(ctx, []registry.WageChange{{Input: registry.WageInput{EmploymentID: *employment, Year: *year, Wage: *wage}}})
		}
		if err != nil {
			return err
		}
		return printWages(g, out, *asJSON)
	})
}

func wagesList(g *globals, args []string) error {
	fs := newFlags(g, "wages list", "wages list (--employment ID | --year YYYY [--employer ID] [--limit N] [--after ID]) [--as USER] [--json]\n\n"+
		"Lists a relation's declarations by year, or a year's by relation (of one employer with --employer).")
	employment := fs.Int64("employment", 0, "the employment relation's id")
	year := fs.Int("year", 0, "the contribution year")
	employer := fs.Int64("employer", 0, "only this employer's relations (with --year)")
	limit := fs.Int("limit", registry.DefaultPage, "at most this many (1-1000)")
	after := fs.Int64("after", 0, "list relations with IDs above this")
	as := fs.String("as", "", "act as this user (default: the system operator)")
	asJSON := fs.Bool("json", false, `print [{"employment_id","year","declared_wage",...}]`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := registry.WageFilter{EmploymentID: *employment, Year: *year,
		EmploymentFilter: registry.EmploymentFilter{EmployerID: *employer, Page: registry.Page{After: *after, Limit: *limit}}}
	return withUser(g, *as, func(ctx context.Context, a *app) error {
		out, err := a.registry.ListWages(ctx, f)
		if err != nil {
			return err
		}
		return printWages(g, out, *asJSON)
	})
}

func printWages(g *globals, ds []registry.WageDeclaration, asJSON bool) error {
	if asJSON {
		if ds == nil {
			ds = []registry.WageDeclaration{}
		}
		return printJSON(g, ds)
	}
	return jobsTable(g.stdout, "EMPLOYMENT\tPERSON\tEMPLOYER\tYEAR\tWAGE\tPREVIOUS\tBY", func(tw *tabwriter.Writer) {
		for _, d := range ds {
			prev := ""
			if d.Previous != nil {
				prev = d.Previous.String()
			}
			fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%s\t%s\t%s\n", d.EmploymentID, d.PersonID, d.EmployerID, d.Year, d.DeclaredWage, prev, d.Actor)
		}
	})
}
