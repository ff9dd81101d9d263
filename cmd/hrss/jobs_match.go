package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"hrss/employment"
	"hrss/rules/fault"
	"hrss/rules/msg"
)

func runMatch(g *globals, args []string) error {
	fs := newFlags(g, "match", "match (--seeker ID | --vacancy ID | --seeker ID --vacancy ID) [--top N] [--lang zh-CN|en] [--record] [--json]\n\n"+
		"Rank the open vacancies for a seeker, or the active seekers for a vacancy, with the score\n"+
		"decomposed into its components and explained; with both, explain that one pair.")
	seeker := fs.Int64("seeker", 0, "job-seeker registration ID")
	vacancy := fs.Int64("vacancy", 0, "vacancy ID")
	top := fs.Int("top", 10, "how many (1-200)")
	record := fs.Bool("record", false, "record the seeker's list as recommendations given today")
	asJSON := fs.Bool("json", false, `print [{"vacancy_id","seeker_id","score","components":{...},"matched_skills","missing_skills","explanation"}]`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	l, err := g.language()
	if err != nil {
		return err
	}
	if *seeker <= 0 && *vacancy <= 0 {
		return fault.Invalidf("seeker", "match.subject", "give --seeker ID, --vacancy ID or both")
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		ms, st, err := jobsMatchOnce(ctx, svc, *seeker, *vacancy, *top, string(l), *record)
		if err != nil {
			return err
		}
		if *asJSON {
			if ms == nil {
				ms = []employment.Match{}
			}
			return printJSON(g, ms)
		}
		return jobsPrintMatches(g, ms, st, *seeker > 0 && *vacancy == 0)
	})
}

func jobsMatchOnce(ctx context.Context, svc *employment.Service, seeker, vacancy int64, top int, lang string, record bool) ([]employment.Match, employment.Stats, error) {
	switch {
	case seeker > 0 && vacancy > 0:
		m, err := svc.ExplainPair(ctx, seeker, vacancy, lang)
		return []employment.Match{m}, employment.Stats{}, err
	case seeker > 0 && record:
		ms, err := svc.Recommend(ctx, seeker, top, lang)
		return ms, employment.Stats{}, err
	case seeker > 0:
		return svc.MatchSeeker(ctx, seeker, top, lang)
	}
	return svc.MatchVacancy(ctx, vacancy, top, lang)
}

func jobsPrintMatches(g *globals, ms []employment.Match, st employment.Stats, forSeeker bool) error {
	other := "seeker"
	if forSeeker {
		other = "vacancy"
	}
	err := jobsTable(g.stdout, g.cols("rank", other, "score", "occupation", "skills", "education", "salary", "location", "experience", "missing"), func(tw *tabwriter.Writer) {
		for _, m := range ms {
			id := m.SeekerID
			if forSeeker {
				id = m.VacancyID
			}
			c := m.Components
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Rank, id, m.Score, c.Occupation, c.Skills, c.Education, c.Salary, c.Location, c.Experience, strings.Join(m.MissingSkills, ","))
		}
	})
	if err != nil {
		return err
	}
	for _, m := range ms {
		fmt.Fprintf(g.stdout, "\n#%d %s\n", m.Rank, m.Explanation)
	}
	if st.Candidates > 0 {
		fmt.Fprintln(g.stdout)
		g.say("cli.match.stats", msg.Int("candidates", st.Candidates), msg.Int("examined", st.Examined), msg.Text("refused", fmt.Sprint(st.Refused)))
	}
	return nil
}

func runMatchBatch(g *globals, args []string) error {
	fs := newFlags(g, "match-batch", "match-batch [--division CODE] [--top N] [--k K] [--json]\n\n"+
		"Recommend up to N open vacancies to every active seeker of the division, no vacancy in\n"+
		"more than K × openings lists, record them, and report the vacancy coverage.")
	var opt employment.BatchOptions
	fs.StringVar(&opt.Division, "division", "", "county-level division of the seekers (default: the whole city)")
	fs.IntVar(&opt.TopN, "top", 10, "recommendations per seeker")
	fs.IntVar(&opt.K, "k", 3, "capacity factor: a vacancy is in at most K × openings lists")
	asJSON := fs.Bool("json", false, "print the run with its coverage report as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withJobs(g, func(ctx context.Context, svc *employment.Service) error {
		run, err := svc.RunBatch(ctx, opt)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(g, run)
		}
		c := run.Coverage
		fmt.Fprintf(g.stdout, "batch %d on %s: %d seekers (%d with %d recommendations, %d with none), %d recommendations recorded\n",
			run.ID, run.Date, c.Seekers, c.SeekersFull, c.TopN, c.SeekersNone, c.Recommendations)
		fmt.Fprintf(g.stdout, "vacancies: %d open, %d listed (coverage %d.%02d%%), %d saturated at %d × openings; %d rounds\n",
			c.Vacancies, c.VacanciesListed, c.CoverageBP/100, c.CoverageBP%100, c.VacanciesSaturated, c.K, c.Rounds)
		return nil
	})
}
