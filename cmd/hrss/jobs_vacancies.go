package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"hrss/employment"
	"hrss/rules/fault"
)

func runVacancies(g *globals, args []string) error {
	return jobsSub(g, "vacancies", args, map[string]func(*globals, []string) error{
		"list": vacanciesList, "show": vacanciesShow, "post": vacanciesPost, "close": vacanciesClose,
	}, "list", "show", "post", "close")
}

func vacanciesList(g *globals, args []string) error {
	fs := newFlags(g, "vacancies list", "vacancies list [--division CODE] [--employer ID] [--occupation CODE-PREFIX] [--all] [--limit N] [--after ID] [--json]")
	var f employment.VacancyFilter
	fs.StringVar(&f.Division, "division", "", "county-level division code")
	fs.Int64Var(&f.EmployerID, "employer", 0, "employer ID")
	fs.StringVar(&f.Occupation, "occupation", "", "occupation code or prefix, e.g. 2-02")
	all := fs.Bool("all", false, "include vacancies not taking applications today")
	fs.IntVar(&f.Limit, "limit", 50, "at most this many (1-1000)")
	fs.Int64Var(&f.After, "after", 0, "list vacancies with IDs above this")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		if !*all {
			f.OpenOn = svc.Today()
		}
		rows, err := svc.ListVacancies(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			if rows == nil {
				rows = []employment.Vacancy{}
			}
			return printJSON(g, rows)
		}
		return jobsTable(g.stdout, "ID\tEMPLOYER\tDIVISION\tOCCUPATION\tTITLE\tSALARY\tOPENINGS\tVALID TO\tSKILLS", func(tw *tabwriter.Writer) {
			for _, v := range rows {
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s–%s\t%d/%d\t%s\t%s\n", v.ID, v.EmployerID, v.Division, v.Occupation, v.Title,
					v.SalaryMin, v.SalaryMax, v.Filled, v.Openings, v.ValidTo, strings.Join(v.Skills, ","))
			}
		})
	})
}

func vacanciesShow(g *globals, args []string) error {
	fs := newFlags(g, "vacancies show", "vacancies show ID")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "id")
	if err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.Vacancy(ctx, id)
	})
}

func vacanciesPost(g *globals, args []string) error {
	fs := newFlags(g, "vacancies post", "vacancies post --employer ID --title T --occupation CODE --salary-min Y --salary-max Y --openings N --valid-to DATE [...]")
	var in employment.VacancyInput
	fs.Int64Var(&in.EmployerID, "employer", 0, "employer ID")
	fs.StringVar(&in.Title, "title", "", "title")
	fs.StringVar(&in.Occupation, "occupation", "", "occupation code, e.g. 2-02-10-03")
	skills := fs.String("skills", "", "required skill codes, comma-separated")
	fs.StringVar(&in.Education, "education", "", "minimum education")
	fs.IntVar(&in.ExperienceYears, "experience", 0, "years of experience required")
	fs.StringVar(&in.SalaryMin, "salary-min", "", "monthly salary range, minimum, yuan")
	fs.StringVar(&in.SalaryMax, "salary-max", "", "monthly salary range, maximum, yuan")
	fs.StringVar(&in.Division, "division", "", "where the job is (default: the employer's division)")
	fs.IntVar(&in.Openings, "openings", 1, "number of openings")
	fs.StringVar(&in.ValidFrom, "valid-from", "", "first day (default today)")
	fs.StringVar(&in.ValidTo, "valid-to", "", "last day")
	fs.StringVar(&in.Description, "description", "", "description")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	in.Skills = jobsList(*skills)
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.PostVacancy(ctx, in)
	})
}

func vacanciesClose(g *globals, args []string) error {
	fs := newFlags(g, "vacancies close", "vacancies close ID")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "id")
	if err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.CloseVacancy(ctx, id)
	})
}

func runOccupations(g *globals, args []string) error {
	return jobsCatalogue(g, "occupations", args)
}

func runSkills(g *globals, args []string) error {
	return jobsCatalogue(g, "skills", args)
}

// catalogueCommand is hrss occupations|skills list|import.
func jobsCatalogue(g *globals, name string, args []string) error {
	return jobsSub(g, name, args, map[string]func(*globals, []string) error{
		"list":   func(g *globals, a []string) error { return jobsCatalogueList(g, name, a) },
		"import": func(g *globals, a []string) error { return jobsCatalogueImport(g, name, a) },
	}, "list", "import")
}

func jobsCatalogueList(g *globals, name string, args []string) error {
	fs := newFlags(g, name+" list", name+" list [--json]")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		cat, err := svc.Catalog(ctx)
		if err != nil {
			return err
		}
		if name == "skills" {
			if *asJSON {
				return printJSON(g, cat.Skills())
			}
			return jobsTable(g.stdout, "CODE\tWEIGHT\tNAME\tNAME (EN)\tSOURCE", func(tw *tabwriter.Writer) {
				for _, s := range cat.Skills() {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", s.Code, s.Weight, s.NameZH, s.NameEN, s.Source)
				}
			})
		}
		if *asJSON {
			return printJSON(g, cat.Occupations())
		}
		return jobsTable(g.stdout, "CODE\tNAME\tNAME (EN)\tSOURCE", func(tw *tabwriter.Writer) {
			for _, o := range cat.Occupations() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Code, o.NameZH, o.NameEN, o.Source)
			}
		})
	})
}

func jobsCatalogueImport(g *globals, name string, args []string) error {
	cols := "code,name_zh[,name_en]"
	if name == "skills" {
		cols = "code,name_zh[,name_en][,weight]"
	}
	fs := newFlags(g, name+" import", name+" import FILE\n\nReplace the "+name+" in force with a CSV or TSV file whose header names the columns "+cols+".\nEvery bad row is reported with its row and column; nothing changes unless all rows are good.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	path := fs.Arg(0)
	if path == "" {
		return fault.Invalidf("file", "file.required", "give the file to import")
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		var n int
		if name == "skills" {
			n, err = svc.ImportSkills(ctx, f, filepath.Base(path))
		} else {
			n, err = svc.ImportOccupations(ctx, f, filepath.Base(path))
		}
		var list fault.List
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintln(g.stderr, path+":", e.Error())
			}
			return fault.Invalidf("file", "file.rows", "%s: %d bad rows; nothing imported", path, len(list))
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "imported %d %s from %s\n", n, name, path)
		return nil
	})
}
