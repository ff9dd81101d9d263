// Command bleve compares hrss's matching engine with bleve, the Go
// full-text engine, side by side in one run: the same 100,000 synthetic
// open vacancies, the same seekers, the top 10 for each seeker.
//
// bleve answers a comparable filtered query: the same hard filters as
// numeric range and term clauses (education at most one level below,
// expected wage within 120% of the maximum, experience short by less
// than 3 years, divisions for seekers who work only in chosen ones), and
// should-clauses boosted like hrss's components (occupation code at each
// level of the hierarchy, each required skill, the home division). bleve
// ranks by its own relevance and gives no decomposed explanation; hrss
// builds its explanation (both languages) for every result and is timed
// with it.
//
// This is its own module (bench/bleve/go.mod, replace hrss => ../..) so
// that bleve stays out of the hrss binary and of the main go.mod; go test
// ./... at the repository root does not descend into it.
//
//	cd bench/bleve && go run . [-vacancies 100000] [-queries 1000]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"hrss/employment"
	"hrss/registry"
	"hrss/rules/period"
)

var today = period.Date{Y: 2026, M: 6, D: 15}

// doc is a vacancy as bleve indexes it.
type doc struct {
	Occ        string   `json:"occ"`
	Minor      string   `json:"minor"`
	Medium     string   `json:"medium"`
	Major      string   `json:"major"`
	Skills     []string `json:"skills"`
	Division   string   `json:"division"`
	Education  float64  `json:"education"`
	Experience float64  `json:"experience"`
	SalaryMax  float64  `json:"salary_max"`
}

func main() {
	seed := flag.Uint64("seed", 1, "seed of the synthetic data")
	nVac := flag.Int("vacancies", 100_000, "open vacancies")
	nQ := flag.Int("queries", 500, "seekers queried")
	flag.Parse()
	fmt.Printf("hrss matching vs bleve · %s · %d CPUs · seed %d\n\n", runtime.Version(), runtime.NumCPU(), *seed)
	g := employment.NewSynth(*seed)
	vs := make([]employment.Vacancy, *nVac)
	for i := range vs {
		vs[i] = g.Vacancy(int64(i+1), int64(i%20000+1), g.Division(), today)
	}
	ss := make([]employment.SeekerRegistration, *nQ)
	for i := range ss {
		if i%2 == 0 {
			ss[i] = g.SeekerFor(vs[g.Rand().IntN(len(vs))], int64(i+1))
		} else {
			ss[i] = g.Seeker(int64(i+1), int64(i+1), g.Division(), registry.EducationLevels[2+i%5], i%3 == 0, today)
		}
		ss[i].OptOut = false
	}

	start := time.Now()
	m := employment.NewMatcher(employment.EmbeddedRules(today), g.Catalog(), today, vs, nil)
	hBuild := time.Since(start)
	start = time.Now()
	idx, err := buildIndex(vs)
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(idx.Name())
	bBuild := time.Since(start)

	hLat, bLat := make([]time.Duration, len(ss)), make([]time.Duration, len(ss))
	overlap := 0
	for i, s := range ss { // interleaved, so both see the same machine state
		t0 := time.Now()
		ms, _ := m.ForSeeker(s, 10, employment.LangZH)
		hLat[i] = time.Since(t0)
		t0 = time.Now()
		res, err := idx.Search(request(s))
		bLat[i] = time.Since(t0)
		if err != nil {
			panic(err)
		}
		overlap += common(ms, res)
	}
	hp50, hp99 := pct(hLat)
	bp50, bp99 := pct(bLat)
	fmt.Printf("%d open vacancies, %d seekers, top 10 each\n\n", len(vs), len(ss))
	fmt.Printf("%-34s %14s %14s\n", "", "hrss", "bleve v2.6.3")
	fmt.Printf("%-34s %14s %14s\n", "index build", hBuild.Round(time.Millisecond), bBuild.Round(time.Millisecond))
	fmt.Printf("%-34s %14s %14s\n", "query p50", hp50, bp50)
	fmt.Printf("%-34s %14s %14s\n", "query p99", hp99, bp99)
	fmt.Printf("%-34s %14s %14s\n", "explanation (zh-CN, en) included", "yes", "no")
	fmt.Printf("\nhrss is %.1f× faster at p50 and %.1f× at p99 (target: at least 2×)\n", ratio(bp50, hp50), ratio(bp99, hp99))
	fmt.Printf("the two top-10 lists share %.1f vacancies on average (different rankings: bleve's relevance is TF-IDF, not hrss's score)\n", float64(overlap)/float64(len(ss)))
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func buildIndex(vs []employment.Vacancy) (bleve.Index, error) {
	kw := bleve.NewTextFieldMapping()
	kw.Analyzer = keyword.Name
	kw.Store, kw.IncludeTermVectors, kw.IncludeInAll = false, false, false
	num := bleve.NewNumericFieldMapping()
	num.Store, num.IncludeInAll = false, false
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{"occ", "minor", "medium", "major", "skills", "division"} {
		dm.AddFieldMappingsAt(f, kw)
	}
	for _, f := range []string{"education", "experience", "salary_max"} {
		dm.AddFieldMappingsAt(f, num)
	}
	im := mapping.NewIndexMapping()
	im.DefaultMapping = dm
	dir, err := os.MkdirTemp("", "hrss-bleve-*")
	if err != nil {
		return nil, err
	}
	idx, err := bleve.New(dir, im) // scorch, bleve's default and fastest engine, on a temporary directory
	if err != nil {
		return nil, err
	}
	b := idx.NewBatch()
	for i, v := range vs {
		c := string(v.Occupation)
		d := doc{Occ: c, Minor: c[:7], Medium: c[:4], Major: c[:1], Skills: v.Skills, Division: v.Division,
			Education: float64(v.Education.Rank()), Experience: float64(v.Experience), SalaryMax: float64(v.SalaryMax)}
		if err := b.Index(strconv.FormatInt(v.ID, 10), d); err != nil {
			return nil, err
		}
		if b.Size() == 2000 || i == len(vs)-1 {
			if err := idx.Batch(b); err != nil {
				return nil, err
			}
			b = idx.NewBatch()
		}
	}
	return idx, nil
}

func term(field, value string, boost float64) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func atMost(field string, v float64) query.Query {
	t := true
	q := bleve.NewNumericRangeInclusiveQuery(nil, &v, nil, &t)
	q.SetField(field)
	return q
}

func atLeast(field string, v float64) query.Query {
	t := true
	q := bleve.NewNumericRangeInclusiveQuery(&v, nil, &t, nil)
	q.SetField(field)
	return q
}

// request is the bleve query comparable to hrss's hard filters and score.
func request(s employment.SeekerRegistration) *bleve.SearchRequest {
	must := []query.Query{
		atMost("education", float64(s.Education.Rank()+1)),
		atMost("experience", float64(s.Experience+2)),
	}
	if s.SalaryMin > 0 {
		must = append(must, atLeast("salary_max", float64(s.SalaryMin)*100/120))
	}
	if s.Mobility == employment.MobilityDivisions {
		divs := []query.Query{term("division", s.Division, 1)}
		for _, d := range s.Divisions {
			divs = append(divs, term("division", d, 1))
		}
		must = append(must, bleve.NewDisjunctionQuery(divs...))
	}
	var should []query.Query
	for _, o := range s.Occupations {
		c := string(o)
		should = append(should, term("occ", c, 30), term("minor", c[:7], 21), term("medium", c[:4], 12), term("major", c[:1], 4.5))
	}
	for _, sk := range s.Skills {
		should = append(should, term("skills", sk, 6))
	}
	should = append(should, term("division", s.Division, 10))
	bq := bleve.NewBooleanQuery()
	bq.AddMust(must...)
	bq.AddShould(should...)
	return bleve.NewSearchRequestOptions(bq, 10, 0, false) // bleve's default order: score descending
}

func common(ms []employment.Match, res *bleve.SearchResult) int {
	n := 0
	for _, h := range res.Hits {
		id, _ := strconv.ParseInt(h.ID, 10, 64)
		if slices.ContainsFunc(ms, func(m employment.Match) bool { return m.VacancyID == id }) {
			n++
		}
	}
	return n
}

func pct(lat []time.Duration) (time.Duration, time.Duration) {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[len(s)/2].Round(time.Microsecond), s[min(len(s)-1, len(s)*99/100)].Round(time.Microsecond)
}
