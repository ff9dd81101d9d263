package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"hrss/employment"
	"hrss/rules/period"
)

func runUnemployment(g *globals, args []string) error {
	return jobsSub(g, "unemployment", args, map[string]func(*globals, []string) error{
		"list": unemploymentList, "register": unemploymentRegister, "deregister": unemploymentDeregister, "refuse": unemploymentRefuse,
		"refusals": unemploymentRefusals,
	}, "list", "register", "deregister", "refuse", "refusals")
}

func unemploymentList(g *globals, args []string) error {
	fs := newFlags(g, "unemployment list", "unemployment list [--division CODE] [--status active|closed|all] [--limit N] [--after ID] [--json]")
	div := fs.String("division", "", "county-level division code")
	status := fs.String("status", "active", "active, closed or all")
	limit := fs.Int("limit", 50, "at most this many (1-1000)")
	after := fs.Int64("after", 0, "list registrations with IDs above this")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f := employment.SeekerFilter{Division: *div, Status: employment.Status(*status), Page: employment.Page{After: *after, Limit: *limit}}
	if *status == "all" {
		f.Status = ""
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		rows, err := svc.ListUnemployment(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			if rows == nil {
				rows = []employment.UnemploymentRegistration{}
			}
			return printJSON(g, rows)
		}
		return jobsTable(g.stdout, g.cols("id", "person", "division", "registered", "last_contact", "status", "ground"), func(tw *tabwriter.Writer) {
			for _, u := range rows {
				fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.PersonID, u.Division, u.Registered, u.LastContact, u.Status, u.Ground)
			}
		})
	})
}

func unemploymentRegister(g *globals, args []string) error {
	fs := newFlags(g, "unemployment register", "unemployment register --person ID [--division CODE] [--date YYYY-MM-DD]")
	var in employment.UnemploymentInput
	fs.Int64Var(&in.PersonID, "person", 0, "the person's registry ID")
	fs.StringVar(&in.Division, "division", "", "division (default: where the person lives)")
	fs.StringVar(&in.Registered, "date", "", "registration date (default today)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.RegisterUnemployed(ctx, in)
	})
}

func unemploymentDeregister(g *globals, args []string) error {
	fs := newFlags(g, "unemployment deregister", "unemployment deregister ID --ground GROUND [--date YYYY-MM-DD]")
	var d employment.Deregistration
	fs.StringVar(&d.Ground, "ground", "", "one of the grounds of RULES.md §6: "+jobsGrounds())
	fs.StringVar(&d.Date, "date", "", "when (default today)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "id")
	if err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.Deregister(ctx, id, d)
	})
}

func unemploymentRefuse(g *globals, args []string) error {
	fs := newFlags(g, "unemployment refuse", "unemployment refuse --offer work|training --note TEXT [--vacancy ID] [--date YYYY-MM-DD] ID\n\n"+
		"Record on registration ID a refusal without good reason of suitable work or training offered (社会保险法 Art. 51(5)); at the rules' count a running benefit stops.")
	var in employment.OfferRefusalInput
	fs.StringVar(&in.Offer, "offer", "", "work or training")
	fs.StringVar(&in.Note, "note", "", "what was offered, and why the refusal had no good reason")
	fs.Int64Var(&in.VacancyID, "vacancy", 0, "the vacancy offered, if any")
	fs.StringVar(&in.Date, "date", "", "when (default today)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "id")
	if err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.RecordRefusal(ctx, id, in)
	})
}

func unemploymentRefusals(g *globals, args []string) error {
	fs := newFlags(g, "unemployment refusals", "unemployment refusals ID\n\nPrint registration ID with the refusals of suitable work or training recorded on it (JSON).")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "id")
	if err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.Refusals(ctx, id)
	})
}

func jobsGrounds() string {
	s := make([]string, len(employment.Grounds))
	for i, gr := range employment.Grounds {
		s[i] = string(gr)
	}
	return strings.Join(s, ", ")
}

func runGraduates(g *globals, args []string) error {
	return jobsSub(g, "graduates", args, map[string]func(*globals, []string) error{
		"list": graduatesList, "service": graduatesService,
	}, "list", "service")
}

func graduatesList(g *globals, args []string) error {
	fs := newFlags(g, "graduates list", "graduates list --division CODE [--overdue] [--limit N] [--after PERSON-ID] [--json]\n\n"+
		"The follow-up list (实名服务台账) of a division: graduates within 2 years of leaving school without\n"+
		"a current employment relation, with their \"1131\" completeness and what is overdue.")
	var q employment.GraduateQuery
	fs.StringVar(&q.Division, "division", "", "county-level division code")
	fs.BoolVar(&q.OverdueOnly, "overdue", false, "only the graduates with an overdue service")
	fs.IntVar(&q.Limit, "limit", 50, "at most this many (1-1000)")
	fs.Int64Var(&q.After, "after", 0, "list persons with IDs above this")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		rows, err := svc.FollowUps(ctx, q)
		if err != nil {
			return err
		}
		if *asJSON {
			if rows == nil {
				rows = []employment.FollowUp{}
			}
			return printJSON(g, rows)
		}
		return jobsTable(g.stdout, "PERSON\tNAME\tLEFT SCHOOL\tDEGREE\tP\tG\tJOBS\tT\tCOMPLETE\tOVERDUE", func(tw *tabwriter.Writer) {
			for _, f := range rows {
				s := f.Services
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d/3\t%d\t%v\t%s\n", f.PersonID, f.Name, f.Left, f.Degree, s[employment.PolicyBriefing],
					s[employment.CareerGuidance], s[employment.JobLead], s[employment.Training], f.Complete, strings.Join(f.OverdueFor, "; "))
			}
		})
	})
}

func graduatesService(g *globals, args []string) error {
	fs := newFlags(g, "graduates service", "graduates service --person ID --kind KIND [--vacancy ID] [--date YYYY-MM-DD] [--note TEXT]")
	var in employment.ServiceInput
	fs.Int64Var(&in.PersonID, "person", 0, "the person's registry ID")
	fs.StringVar(&in.Kind, "kind", "", "policy_briefing, career_guidance, job_lead or training_or_internship")
	fs.Int64Var(&in.VacancyID, "vacancy", 0, "the vacancy of a job lead")
	fs.StringVar(&in.Date, "date", "", "when (default today)")
	fs.StringVar(&in.Note, "note", "", "note")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.RecordService(ctx, in)
	})
}

func runFairs(g *globals, args []string) error {
	return jobsSub(g, "fairs", args, map[string]func(*globals, []string) error{
		"list": fairsList, "create": fairsCreate, "join": fairsJoin, "register": fairsRegister, "allocate": fairsAllocate, "show": fairsShow,
	}, "list", "create", "join", "register", "allocate", "show")
}

func fairsList(g *globals, args []string) error {
	fs := newFlags(g, "fairs list", "fairs list [--division CODE] [--json]")
	var f employment.FairFilter
	fs.StringVar(&f.Division, "division", "", "county-level division code")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		rows, err := svc.ListFairs(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			if rows == nil {
				rows = []employment.JobFair{}
			}
			return printJSON(g, rows)
		}
		return jobsTable(g.stdout, "ID\tDATE\tDIVISION\tSTATUS\tNAME", func(tw *tabwriter.Writer) {
			for _, f := range rows {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", f.ID, f.Date, f.Division, f.Status, f.Name)
			}
		})
	})
}

func fairsCreate(g *globals, args []string) error {
	fs := newFlags(g, "fairs create", "fairs create --name NAME --division CODE --date YYYY-MM-DD [--venue V] [--start HH:MM] [--slot-minutes N] [--max-interviews N]")
	var in employment.FairInput
	fs.StringVar(&in.Name, "name", "", "name")
	fs.StringVar(&in.Division, "division", "", "county-level division code")
	fs.StringVar(&in.Date, "date", "", "date")
	fs.StringVar(&in.Venue, "venue", "", "venue")
	fs.StringVar(&in.Start, "start", "09:00", "first interview slot")
	fs.IntVar(&in.SlotMinutes, "slot-minutes", 20, "minutes per interview slot")
	fs.IntVar(&in.MaxInterviews, "max-interviews", 3, "interviews a seeker may get")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.CreateFair(ctx, in)
	})
}

func fairsJoin(g *globals, args []string) error {
	fs := newFlags(g, "fairs join", "fairs join FAIR-ID --employer ID --slots N --vacancies ID,ID")
	var in employment.FairEmployerInput
	fs.Int64Var(&in.EmployerID, "employer", 0, "employer ID")
	fs.IntVar(&in.Slots, "slots", 0, "interview slots")
	vacs := fs.String("vacancies", "", "the employer's vacancies at the fair, comma-separated")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "fair_id")
	if err != nil {
		return err
	}
	if in.VacancyIDs, err = jobsIDs("vacancy_ids", *vacs); err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.JoinFair(ctx, id, in)
	})
}

func fairsRegister(g *globals, args []string) error {
	fs := newFlags(g, "fairs register", "fairs register FAIR-ID --seeker ID --prefer EMPLOYER,EMPLOYER,...")
	var in employment.FairRegistrationInput
	fs.Int64Var(&in.SeekerID, "seeker", 0, "job-seeker registration ID")
	prefs := fs.String("prefer", "", "participating employers, best first, comma-separated")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "fair_id")
	if err != nil {
		return err
	}
	if in.Preferences, err = jobsIDs("preferences", *prefs); err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.RegisterForFair(ctx, id, in)
	})
}

func fairsAllocate(g *globals, args []string) error {
	fs := newFlags(g, "fairs allocate", "fairs allocate FAIR-ID [--json]\n\nAllocate the interview slots by deferred acceptance (Gale–Shapley) and close registrations.")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "fair_id")
	if err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		a, err := svc.AllocateFair(ctx, id)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, a)
		}
		fmt.Fprintf(g.stdout, "fair %d: %d of %d seekers got an interview, %d interviews (%d with the seeker's first choice, %d time clashes)\n",
			id, a.Placed, a.Seekers, len(a.Interviews), a.FirstPicks, a.Clashes)
		return jobsSchedule(g, a.Interviews)
	})
}

func jobsSchedule(g *globals, ivs []employment.ScheduledSlot) error {
	return jobsTable(g.stdout, "EMPLOYER\tTIME\tSEEKER\tSEEKER'S RANK\tSCORE", func(tw *tabwriter.Writer) {
		for _, iv := range ivs {
			fmt.Fprintf(tw, "%d\t%s\t%d\t%d\t%s\n", iv.EmployerID, iv.Time, iv.SeekerID, iv.SeekerRank, iv.Score)
		}
	})
}

func fairsShow(g *globals, args []string) error {
	fs := newFlags(g, "fairs show", "fairs show FAIR-ID")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "fair_id")
	if err != nil {
		return err
	}
	return jobsJSON(g, func(ctx context.Context, svc *employment.Service) (any, error) {
		return svc.FairDetails(ctx, id)
	})
}

func runEmployment(g *globals, args []string) error {
	return jobsSub(g, "employment", args, map[string]func(*globals, []string) error{
		"sync": employmentSync, "hire": employmentHire, "placements": employmentPlacements, "indicators": employmentIndicators,
	}, "sync", "hire", "placements", "indicators")
}

func employmentSync(g *globals, args []string) error {
	fs := newFlags(g, "employment sync", "employment sync [--json]\n\nThe scheduled reconciliation: end the registrations of persons hired since (recording and\n"+
		"attributing their placements) and of those without contact for 6 months. Resumable; run daily.")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		rep, err := svc.Sync(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, rep)
		}
		fmt.Fprintf(g.stdout, "sync %s: checked %d job-seeker and %d unemployment registrations; %d placements (%d attributed to a service), %d ended for no contact\n",
			rep.Today, rep.SeekersChecked, rep.UnemployedChecked, rep.Placements, rep.Attributed, rep.NoContact)
		return nil
	})
}

func employmentHire(g *globals, args []string) error {
	fs := newFlags(g, "employment hire", "employment hire EMPLOYMENT-ID\n\nWhat the hire path calls: end the person's registrations and record the placement.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	id, err := jobsArgID(fs.Arg(0), "employment_id")
	if err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		p, ok, err := svc.RecordHire(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(g.stdout, "the person had no active registration: no placement")
			return nil
		}
		return printJSON(g, p)
	})
}

func employmentPlacements(g *globals, args []string) error {
	fs := newFlags(g, "employment placements", "employment placements [--from DATE] [--to DATE] [--employer ID] [--limit N] [--json]")
	var f employment.PlacementFilter
	from := fs.String("from", "", "first start date")
	to := fs.String("to", "", "last start date")
	fs.Int64Var(&f.EmployerID, "employer", 0, "employer ID")
	fs.IntVar(&f.Limit, "limit", 50, "at most this many (1-1000)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var err error
	if f.From, err = jobsDate("from", *from); err != nil {
		return err
	}
	if f.To, err = jobsDate("to", *to); err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		rows, err := svc.ListPlacements(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			if rows == nil {
				rows = []employment.Placement{}
			}
			return printJSON(g, rows)
		}
		return jobsTable(g.stdout, "ID\tPERSON\tEMPLOYER\tSTART\tSOURCE\tSOURCE ID\tVACANCY", func(tw *tabwriter.Writer) {
			for _, p := range rows {
				fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%d\t%d\n", p.ID, p.PersonID, p.EmployerID, p.Start, p.Source, p.SourceID, p.VacancyID)
			}
		})
	})
}

func jobsDate(field, s string) (period.Date, error) {
	if s == "" {
		return period.Date{}, nil
	}
	d, err := period.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("--%s: %w", field, err)
	}
	return d, nil
}

func employmentIndicators(g *globals, args []string) error {
	fs := newFlags(g, "employment indicators", "employment indicators [--from YYYY-MM-DD] [--json]\n\nSeekers, registered unemployed, open vacancies and openings by division today; placements since --from.")
	from := fs.String("from", "", "placements started from this day (default 1 January)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	f, err := jobsDate("from", *from)
	if err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		ind, err := svc.Indicators(ctx, f)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, ind)
		}
		err = jobsTable(g.stdout, "DIVISION\tSEEKERS\tGRADUATES\tUNEMPLOYED\tVACANCIES\tOPENINGS\tPLACED\tATTRIBUTED", func(tw *tabwriter.Writer) {
			for _, d := range append(ind.Divisions, ind.City) {
				placed, attributed := 0, 0
				for src, n := range d.Placements {
					placed += n
					if src != employment.SourceNone {
						attributed += n
					}
				}
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", d.Division, d.ActiveSeekers, d.GraduateSeekers, d.RegisteredUnemployed, d.OpenVacancies, d.OpenOpenings, placed, attributed)
			}
		})
		fmt.Fprintf(g.stdout, "openings per seeker (求人倍率) %s; placements since %s attributed to a service: %s\n", orNA(ind.OpeningsPerSeeker), ind.From, orNA(ind.AttributedPct+"%"))
		return err
	})
}

func orNA(s string) string {
	if s == "" || s == "%" {
		return "n/a"
	}
	return s
}
