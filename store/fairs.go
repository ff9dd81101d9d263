package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"hrss/employment"
	"hrss/rules/period"
)

// recBatch is the number of recommendations one INSERT writes.
const recBatch = 500

// InsertRecommendations implements employment.Tx: multi-row INSERTs of
// recBatch rows.
func (t *Tx) InsertRecommendations(ctx context.Context, rs []employment.Recommendation) error {
	const cols = 7
	for len(rs) > 0 {
		n := min(len(rs), recBatch)
		args := make([]any, 0, n*cols)
		for _, r := range rs[:n] {
			var batch any
			if r.BatchID != 0 {
				batch = r.BatchID
			}
			args = append(args, r.SeekerID, r.VacancyID, int64(r.Score), r.Rank, batch, r.Date.String(), tsArg(r.CreatedAt))
		}
		q := "INSERT INTO recommendations (seeker_id, vacancy_id, score, rank, batch_id, rec_date, created_at) VALUES " +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", n), ", ")
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
		rs = rs[n:]
	}
	return nil
}

// ListRecommendations implements employment.Tx.
func (t *Tx) ListRecommendations(ctx context.Context, seekerID int64, since period.Date) ([]employment.Recommendation, error) {
	w := where{}
	w.add(true, "seeker_id = ?", seekerID)
	w.add(!since.IsZero(), "rec_date >= ?", since.String())
	return queryList(ctx, t, `SELECT id, seeker_id, vacancy_id, score, rank, batch_id, rec_date, created_at FROM recommendations
		WHERE `+w.sql()+` ORDER BY rec_date, rank, id`, w.args,
		func(sc interface{ Scan(...any) error }) (employment.Recommendation, error) {
			var r employment.Recommendation
			var score int64
			err := sc.Scan(&r.ID, &r.SeekerID, &r.VacancyID, &score, &r.Rank, jobsNullInt{&r.BatchID}, dateCol{&r.Date}, tsCol{&r.CreatedAt})
			r.Score = employment.Points(score)
			return r, err
		})
}

// InsertBatch implements employment.Tx.
func (t *Tx) InsertBatch(ctx context.Context, b *employment.BatchRun) error {
	cov, err := json.Marshal(b.Coverage)
	if err != nil {
		return err
	}
	b.ID, err = t.insertID(ctx, "INSERT INTO match_batches (run_date, division, coverage, created_at) VALUES (?, ?, ?, ?)",
		b.Date.String(), b.Coverage.Division, string(cov), tsArg(b.CreatedAt))
	return err
}

const fairCols = `id, name, division, fair_date, venue, start_time, slot_minutes, max_interviews, status, allocated_at, created_at, updated_at`

func fairArgs(f *employment.JobFair) []any {
	var alloc any
	if !f.AllocatedAt.IsZero() {
		alloc = tsArg(f.AllocatedAt)
	}
	return []any{f.Name, f.Division, f.Date.String(), f.Venue, f.Start, f.SlotMinutes, f.MaxInterviews, string(f.Status), alloc, tsArg(f.CreatedAt), tsArg(f.UpdatedAt)}
}

func scanFair(sc interface{ Scan(...any) error }) (employment.JobFair, error) {
	var f employment.JobFair
	var status string
	err := sc.Scan(&f.ID, &f.Name, &f.Division, dateCol{&f.Date}, &f.Venue, &f.Start, &f.SlotMinutes, &f.MaxInterviews, &status,
		jobsNullTS{&f.AllocatedAt}, tsCol{&f.CreatedAt}, tsCol{&f.UpdatedAt})
	f.Status = employment.Status(status)
	return f, err
}

// jobsNullTS scans a nullable timestamp column (zero for NULL).
type jobsNullTS struct{ t *time.Time }

func (c jobsNullTS) Scan(v any) error {
	if v == nil {
		*c.t = time.Time{}
		return nil
	}
	return tsCol{c.t}.Scan(v)
}

// InsertFair implements employment.Tx.
func (t *Tx) InsertFair(ctx context.Context, f *employment.JobFair) error {
	id, err := t.insertID(ctx, `INSERT INTO job_fairs (`+strings.TrimPrefix(fairCols, "id, ")+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, fairArgs(f)...)
	f.ID = id
	return err
}

// UpdateFair implements employment.Tx.
func (t *Tx) UpdateFair(ctx context.Context, f *employment.JobFair) error {
	_, err := t.exec(ctx, `UPDATE job_fairs SET name = ?, division = ?, fair_date = ?, venue = ?, start_time = ?, slot_minutes = ?,
		max_interviews = ?, status = ?, allocated_at = ?, created_at = ?, updated_at = ? WHERE id = ?`, append(fairArgs(f), f.ID)...)
	return err
}

// Fair implements employment.Tx.
func (t *Tx) Fair(ctx context.Context, id int64) (employment.JobFair, error) {
	f, err := scanFair(t.queryRow(ctx, "SELECT "+fairCols+" FROM job_fairs WHERE id = ?", id))
	return f, notFound(err, "job fair", id)
}

// ListFairs implements employment.Tx.
func (t *Tx) ListFairs(ctx context.Context, f employment.FairFilter) ([]employment.JobFair, error) {
	w := where{}
	w.add(f.Division != "", "division = ?", f.Division)
	w.add(!f.From.IsZero(), "fair_date >= ?", f.From.String())
	w.add(true, "id > ?", f.After)
	return queryList(ctx, t, "SELECT "+fairCols+" FROM job_fairs WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit), scanFair)
}

// UpsertFairEmployer implements employment.Tx.
func (t *Tx) UpsertFairEmployer(ctx context.Context, e employment.FairEmployer) error {
	if _, err := t.exec(ctx, "DELETE FROM fair_employers WHERE fair_id = ? AND employer_id = ?", e.FairID, e.EmployerID); err != nil {
		return err
	}
	_, err := t.exec(ctx, "INSERT INTO fair_employers (fair_id, employer_id, slots, vacancy_ids) VALUES (?, ?, ?, ?)", e.FairID, e.EmployerID, e.Slots, jobsJoinIDs(e.Vacancies))
	return err
}

// FairEmployers implements employment.Tx.
func (t *Tx) FairEmployers(ctx context.Context, fairID int64) ([]employment.FairEmployer, error) {
	return queryList(ctx, t, "SELECT fair_id, employer_id, slots, vacancy_ids FROM fair_employers WHERE fair_id = ? ORDER BY employer_id", []any{fairID},
		func(sc interface{ Scan(...any) error }) (employment.FairEmployer, error) {
			var e employment.FairEmployer
			var ids string
			err := sc.Scan(&e.FairID, &e.EmployerID, &e.Slots, &ids)
			e.Vacancies = jobsSplitIDs(ids)
			return e, err
		})
}

// UpsertFairRegistration implements employment.Tx.
func (t *Tx) UpsertFairRegistration(ctx context.Context, r employment.FairRegistration) error {
	if _, err := t.exec(ctx, "DELETE FROM fair_registrations WHERE fair_id = ? AND seeker_id = ?", r.FairID, r.SeekerID); err != nil {
		return err
	}
	_, err := t.exec(ctx, "INSERT INTO fair_registrations (fair_id, seeker_id, preferences) VALUES (?, ?, ?)", r.FairID, r.SeekerID, jobsJoinIDs(r.Preferences))
	return err
}

// FairRegistrations implements employment.Tx.
func (t *Tx) FairRegistrations(ctx context.Context, fairID int64) ([]employment.FairRegistration, error) {
	return queryList(ctx, t, "SELECT fair_id, seeker_id, preferences FROM fair_registrations WHERE fair_id = ? ORDER BY seeker_id", []any{fairID},
		func(sc interface{ Scan(...any) error }) (employment.FairRegistration, error) {
			var r employment.FairRegistration
			var prefs string
			err := sc.Scan(&r.FairID, &r.SeekerID, &prefs)
			r.Preferences = jobsSplitIDs(prefs)
			return r, err
		})
}

// ReplaceInterviews implements employment.Tx.
func (t *Tx) ReplaceInterviews(ctx context.Context, fairID int64, ivs []employment.Interview) error {
	if _, err := t.exec(ctx, "DELETE FROM fair_interviews WHERE fair_id = ?", fairID); err != nil {
		return err
	}
	for _, iv := range ivs {
		if _, err := t.exec(ctx, `INSERT INTO fair_interviews (fair_id, seeker_id, employer_id, seeker_rank, score, slot, clash)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, fairID, iv.SeekerID, iv.EmployerID, iv.SeekerRank, int64(iv.Score), iv.Slot, jobsBool(iv.Clash)); err != nil {
			return err
		}
	}
	return nil
}

const interviewCols = `i.seeker_id, i.employer_id, i.seeker_rank, i.score, i.slot, i.clash`

func scanInterview(sc interface{ Scan(...any) error }, extra ...any) (employment.Interview, error) {
	var iv employment.Interview
	var score int64
	var clash int
	err := sc.Scan(append([]any{&iv.SeekerID, &iv.EmployerID, &iv.SeekerRank, &score, &iv.Slot, &clash}, extra...)...)
	iv.Score, iv.Clash = employment.Points(score), clash != 0
	return iv, err
}

// Interviews implements employment.Tx.
func (t *Tx) Interviews(ctx context.Context, fairID int64) ([]employment.Interview, error) {
	return queryList(ctx, t, "SELECT "+interviewCols+" FROM fair_interviews i WHERE i.fair_id = ? ORDER BY i.employer_id, i.slot", []any{fairID},
		func(sc interface{ Scan(...any) error }) (employment.Interview, error) { return scanInterview(sc) })
}

// InterviewsOf implements employment.Tx.
func (t *Tx) InterviewsOf(ctx context.Context, seekerID int64) ([]employment.FairInterview, error) {
	return queryList(ctx, t, "SELECT "+interviewCols+", f.id, f.fair_date FROM fair_interviews i JOIN job_fairs f ON f.id = i.fair_id WHERE i.seeker_id = ? ORDER BY f.fair_date, f.id",
		[]any{seekerID}, func(sc interface{ Scan(...any) error }) (employment.FairInterview, error) {
			var fi employment.FairInterview
			iv, err := scanInterview(sc, &fi.FairID, dateCol{&fi.Date})
			fi.Interview = iv
			return fi, err
		})
}

const placementCols = `id, person_id, employment_id, employer_id, start_date, source, source_id, vacancy_id, created_at`

// InsertPlacement implements employment.Tx.
func (t *Tx) InsertPlacement(ctx context.Context, p *employment.Placement) error {
	var vac any
	if p.VacancyID != 0 {
		vac = p.VacancyID
	}
	id, err := t.insertID(ctx, `INSERT INTO placements (`+strings.TrimPrefix(placementCols, "id, ")+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.PersonID, p.EmploymentID, p.EmployerID, p.Start.String(), string(p.Source), p.SourceID, vac, tsArg(p.CreatedAt))
	p.ID = id
	return err
}

// ListPlacements implements employment.Tx.
func (t *Tx) ListPlacements(ctx context.Context, f employment.PlacementFilter) ([]employment.Placement, error) {
	w := where{}
	w.add(f.PersonID != 0, "person_id = ?", f.PersonID)
	w.add(f.EmployerID != 0, "employer_id = ?", f.EmployerID)
	w.add(!f.From.IsZero(), "start_date >= ?", f.From.String())
	w.add(!f.To.IsZero(), "start_date <= ?", f.To.String())
	w.addInf("person_id IN (SELECT id FROM persons WHERE residence_division IN %s)", f.Divisions)
	w.add(true, "id > ?", f.After)
	return queryList(ctx, t, "SELECT "+placementCols+" FROM placements WHERE "+w.sql()+" ORDER BY id LIMIT ?", append(w.args, f.Limit),
		func(sc interface{ Scan(...any) error }) (employment.Placement, error) {
			var p employment.Placement
			var source string
			err := sc.Scan(&p.ID, &p.PersonID, &p.EmploymentID, &p.EmployerID, dateCol{&p.Start}, &source, &p.SourceID, jobsNullInt{&p.VacancyID}, tsCol{&p.CreatedAt})
			p.Source = employment.PlacementSource(source)
			return p, err
		})
}
