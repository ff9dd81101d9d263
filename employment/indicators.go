package employment

import (
	"context"
	"fmt"
	"slices"

	"hrss/registry"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// DivisionCounts are the employment services' counts for one division.
type DivisionCounts struct {
	Division             string                  `json:"division"`
	ActiveSeekers        int                     `json:"active_seekers"`
	GraduateSeekers      int                     `json:"graduate_seekers"`
	RegisteredUnemployed int                     `json:"registered_unemployed"`
	OpenVacancies        int                     `json:"open_vacancies"`
	OpenOpenings         int                     `json:"open_openings"` // openings not yet filled
	Placements           map[PlacementSource]int `json:"placements"`    // started in the period, by what they are attributed to
}

// Indicators are aggregates of the employment services, by division and
// for the city, with no person-level data: what analysts and the bureau's
// indicators read.
type Indicators struct {
	Date      period.Date      `json:"date"`
	From      period.Date      `json:"from"` // placements started from this day to Date
	Divisions []DivisionCounts `json:"divisions"`
	City      DivisionCounts   `json:"city"`
	// OpeningsPerSeeker is the job-seeker ratio (求人倍率) of the city:
	// open openings / active seekers, two decimals ("" with no seekers).
	OpeningsPerSeeker string `json:"openings_per_seeker"`
	// AttributedPct is the share of the period's placements attributed to
	// a service, in percent with one decimal.
	AttributedPct string `json:"attributed_pct"`
}

// Counts is what the store counts for Indicators.
type Counts struct {
	Seekers, GraduateSeekers, Unemployed, Vacancies, Openings map[string]int
	Placements                                                map[string]map[PlacementSource]int
}

// Indicators counts registrations, open vacancies and openings on today
// and the placements started from from to today, by division. A caseworker
// or reviewer sees their divisions only; analysts the whole city.
func (s *Service) Indicators(ctx context.Context, from period.Date) (Indicators, error) {
	if err := s.authorize(ctx, Access{Action: ReadAggregates}); err != nil {
		return Indicators{}, err
	}
	today := s.today()
	if from.IsZero() {
		from = period.Date{Y: today.Y, M: 1, D: 1}
	}
	if today.Before(from) {
		return Indicators{}, fault.Invalidf("from", "period.order", "from %s is after today %s", from, today)
	}
	var c Counts
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		c, err = tx.CountJobs(ctx, today, from)
		return err
	})
	if err != nil {
		return Indicators{}, err
	}
	return buildIndicators(c, today, from, scopeDivisions(ctx)), nil
}

func buildIndicators(c Counts, today, from period.Date, scope []string) Indicators {
	ind := Indicators{Date: today, From: from, City: DivisionCounts{Division: registry.CityCode, Placements: map[PlacementSource]int{}}}
	for _, d := range registry.CountyCodes() {
		if scope != nil && !slices.Contains(scope, d) {
			continue
		}
		dc := DivisionCounts{Division: d, ActiveSeekers: c.Seekers[d], GraduateSeekers: c.GraduateSeekers[d], RegisteredUnemployed: c.Unemployed[d],
			OpenVacancies: c.Vacancies[d], OpenOpenings: c.Openings[d], Placements: map[PlacementSource]int{}}
		for src, n := range c.Placements[d] {
			dc.Placements[src] = n
			ind.City.Placements[src] += n
		}
		ind.Divisions = append(ind.Divisions, dc)
		ind.City.ActiveSeekers += dc.ActiveSeekers
		ind.City.GraduateSeekers += dc.GraduateSeekers
		ind.City.RegisteredUnemployed += dc.RegisteredUnemployed
		ind.City.OpenVacancies += dc.OpenVacancies
		ind.City.OpenOpenings += dc.OpenOpenings
	}
	if scope != nil {
		ind.City.Division = ""
	}
	if n := ind.City.ActiveSeekers; n > 0 {
		r := ind.City.OpenOpenings * 100 / n
		ind.OpeningsPerSeeker = fmt.Sprintf("%d.%02d", r/100, r%100)
	}
	total, attributed := 0, 0
	for src, n := range ind.City.Placements {
		total += n
		if src != SourceNone {
			attributed += n
		}
	}
	if total > 0 {
		r := attributed * 1000 / total
		ind.AttributedPct = fmt.Sprintf("%d.%d", r/10, r%10)
	}
	return ind
}
