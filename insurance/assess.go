package insurance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// AssessOptions tune one assessment run.
type AssessOptions struct {
	// Progress, when set, is called after each chunk with the rows done
	// and the rows expected.
	Progress func(done, total int)
	// Takeover lets this run take the period from a run whose lock is
	// still fresh (an operator who knows that run is dead).
	Takeover bool
}

// Assess runs the assessment (核定) of period p: every employment
// relation and flexible enrolment active in p is assessed with
// rules.Params.Assess (employees' lines for insurances they are not
// enrolled in are zero; flexible workers' bases from
// rules.Params.FlexibleBase), and one bill is made per employer and per
// flexible worker. Re-running an open period replaces its rows and bills
// exactly; the payments already collected stay with the bills.
//
// The run commits in chunks (Service.Chunk rows), each checking that the
// run still holds the period's lock, and makes its rows the period's in
// its last transaction: a run that crashes leaves nothing visible, and
// the next run of the period deletes what it wrote and does it again.
//
// It fails with Conflict when the period is closed or another run holds
// it (a lock renewed within Service.LockTTL), Invalid when the rules
// refuse a row (naming the relation), and Forbidden for a caller who may
// not run assessments.
//
// The run is batch work (access.Background): its transactions wait for
// the interactive ones waiting for the same writer. It reads the period's
// person-months as fast as it can, the chunks queued for the assessor
// (room for readAhead of them, Service.ReadAheadBytes of them in memory
// and the rest in a spool file, see spool), so that its one read snapshot
// lasts seconds rather than the whole run: on SQLite a snapshot keeps the
// write-ahead log from being copied into the file past it, and every
// reader's page lookup then searched the whole grown log (under
// bench/load a quarter of the server's processor time). The run needs
// that one snapshot: it assesses one state of the registry (an
// employer's new risk class, a wage declaration of its staff, a hire
// that moves a person between employers all reach the bills whole or not
// at all), which reading the registry in ranges of its own snapshots
// would not give.
func (s *Service) Assess(ctx context.Context, p period.YearMonth, opt AssessOptions) (Summary, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return Summary{}, err
	}
	ctx = access.Background(ctx)
	if p == 0 {
		return Summary{}, errNoPeriod()
	}
	run, err := s.startRun(ctx, p, c, opt.Takeover)
	if err != nil {
		return Summary{}, err
	}
	w := newRunWriter(s, run, opt.Progress)
	w.ctx = ctx
	w.start(ctx)
	defer w.spool.close()
	err = s.Insured.EachInsured(ctx, p, w.add)
	if err == nil {
		err = w.handoff()
	}
	close(w.spool.items)
	w.wg.Wait()
	if w.werr != nil {
		err = w.werr
	}
	if err != nil {
		return Summary{}, s.failRun(w.lock, err)
	}
	return s.finishRun(ctx, w.lock, w)
}

// RowWriter is implemented by a Store that writes a run's rows faster
// than Tx.InsertRows (COPY on PostgreSQL). WriteRows writes rows in one
// or more transactions, each renewing l's heartbeat, and reports false,
// writing nothing more, when l's run no longer holds its period.
type RowWriter interface {
	WriteRows(ctx context.Context, l RunLock, rows []Row) (bool, error)
}

// BillWriter is implemented by a Store that writes a run's bills faster
// than Tx.InsertBills in fenced transactions of Service.txRows bills
// (COPY on PostgreSQL). WriteBills writes them in one transaction that
// renews l's heartbeat, and which may run beside the fenced transaction
// of Tx.PeriodWritten; it reports false, writing nothing, when l's run
// no longer holds its period.
type BillWriter interface {
	WriteBills(ctx context.Context, l RunLock, bills []Bill) (bool, error)
}

// CheckAssess makes, reading only, the checks Assess makes before it
// writes anything: the caller runs the bureau's batch jobs (Forbidden
// otherwise), the period is given (Invalid), it is neither closing nor
// closed and, unless takeover, no live run holds it (Conflict). A server
// calls it to refuse a run at once before it queues one; the queued
// Assess checks again when it starts.
func (s *Service) CheckAssess(ctx context.Context, p period.YearMonth, takeover bool) error {
	if _, err := authorize(ctx, actBatch, ""); err != nil {
		return err
	}
	if p == 0 {
		return errNoPeriod()
	}
	return s.Store.View(ctx, func(tx Tx) error {
		_, err := s.assessable(ctx, tx, p, s.now(), takeover)
		return err
	})
}

// errNoPeriod refuses a run given no period.
func errNoPeriod() error {
	return fault.Invalidf("period", "assessment.period", "the period is required (YYYY-MM)")
}

// assessable reads period p in tx and fails unless a run may start at
// now: Conflict for a closing or closed period, and, unless takeover,
// while a run's lock was renewed within LockTTL. It returns the period's
// state (Status "" for a period never assessed).
func (s *Service) assessable(ctx context.Context, tx Tx, p period.YearMonth, now time.Time, takeover bool) (PeriodState, error) {
	st, err := tx.Period(ctx, p)
	if err != nil {
		return st, err
	}
	if st.Status.Final() {
		return st, fault.Conflictf("period", "assessment.period_closed", "period %s is %s: it is never re-assessed; correct it with adjustments instead", p, st.Status)
	}
	if l, held, err := tx.Lock(ctx, p); err != nil {
		return st, err
	} else if held && now.Sub(l.Heartbeat) < s.lockTTL() && !takeover {
		return st, fault.Conflictf("period", "assessment.run_in_progress", "run %d of period %s is in progress (last heartbeat %s); only one run of a period at a time", l.Run, p, l.Heartbeat.Format(time.RFC3339))
	}
	return st, nil
}

// startRun refuses a closed or busy period, records the run, takes the
// lock and clears what earlier crashed runs left.
func (s *Service) startRun(ctx context.Context, p period.YearMonth, c access.Caller, takeover bool) (RunLock, error) {
	now := s.now()
	var lock RunLock
	err := s.Store.Update(ctx, func(tx Tx) error {
		st, err := s.assessable(ctx, tx, p, now, takeover)
		if err != nil {
			return err
		}
		if st.Status == "" {
			st = PeriodState{Period: p, Status: PeriodOpen}
			if err := tx.PutPeriod(ctx, st); err != nil {
				return err
			}
		}
		r := Run{Period: p, Status: RunRunning, Actor: c.Actor(), StartedAt: now}
		if err := tx.InsertRun(ctx, &r); err != nil {
			return err
		}
		if err := s.record(ctx, tx, c, "insurance.assess", fmt.Sprintf("period/%s/run/%d", p, r.ID)); err != nil {
			return err
		}
		lock = RunLock{Period: p, Run: r.ID, Heartbeat: now}
		if err := tx.PutLock(ctx, lock); err != nil {
			return err
		}
		return tx.AbandonRuns(ctx, p, r.ID)
	})
	if err != nil {
		return lock, err
	}
	err = s.fenced(ctx, &lock, func(tx Tx) error { return tx.PreparePeriod(ctx, p) })
	if err == nil {
		err = s.deleteStale(ctx, p, &lock)
	}
	if err != nil {
		return lock, s.failRun(lock, err)
	}
	return lock, nil
}

// deleteStale deletes the rows and bills of p that belong neither to the
// period's current run nor to the run holding its lock (fence, when set,
// is that run and each transaction renews it): rows no reader counts. It
// deletes txRows rows per transaction, so that the one writer of SQLite
// (and the audit lock of PostgreSQL) is never held long; a crash between
// two leaves rows the next run deletes. Each transaction starts at the
// mark where the one before it ended (DeleteMark): one that found the
// run's first row again past every key deleted before it (dead index
// entries on PostgreSQL until vacuumed) made the deletion quadratic.
// The mark is kept only in memory and only for a committed transaction:
// a retried one starts again from the mark it was given, and a run that
// takes over after a crash starts from the zero mark.
func (s *Service) deleteStale(ctx context.Context, p period.YearMonth, fence *RunLock) error {
	var mark DeleteMark
	for deleted := 0; ; {
		n, next := 0, mark
		step := func(tx Tx) error {
			st, err := tx.Period(ctx, p)
			if err != nil {
				return err
			}
			var holder int64
			if fence != nil {
				holder = fence.Run
			} else if l, held, err := tx.Lock(ctx, p); err != nil {
				return err
			} else if held {
				holder = l.Run
			}
			next, n, err = tx.DeleteRunRows(ctx, p, st.CurrentRun, holder, mark, s.txRows())
			return err
		}
		var err error
		if fence != nil {
			err = s.fenced(ctx, fence, step)
		} else {
			// REPEATABLE READ on PostgreSQL: the rows go by key, of runs
			// its snapshot lists, so tracking what it reads only made it
			// fail, and stop, with serialization failures beside other
			// work (bench/scale at 1M)
			err = s.Store.UpdateChunk(ctx, step)
		}
		if err != nil || n == 0 {
			return err
		}
		mark, deleted = next, deleted+n
		if s.AfterDelete != nil {
			s.AfterDelete(deleted)
		}
	}
}

// DeleteMark is where a deletion of a period's stale runs
// (Tx.DeleteRunRows) got to: of the runs other than Keep1 and Keep2,
// those before Run are deleted, and of Run its rows up to Seq (every row
// once RowsDone) and its bills up to Payer, in key order. A run numbers
// its rows from 1 and payers are of kind 1 or 2 with positive IDs, so the
// zero mark is the start. A mark made with other keeps (the period's
// current run or its lock's holder changed) counts as the zero mark: a
// run it had passed over as kept may be stale now.
type DeleteMark struct {
	Keep1, Keep2 int64
	Run          int64
	Seq          int32
	RowsDone     bool
	Payer        PayerRef
}

// txRows is the number of rows a run deletes, or bills it writes, per
// transaction: on the 1,000,000-person city a transaction of 1,000 holds
// SQLite's one writer (which audited reads wait for) about 10 ms, one of
// 20,000 about 200 ms; under bench/load on a machine at load average 10,
// 1,000 held it 18 ms at the median and 148 ms at the 99th percentile.
func (s *Service) txRows() int { return min(s.chunk(), 250) }

// fenced runs fn in one transaction that first renews the lock and fails
// with Conflict if the run no longer holds it.
func (s *Service) fenced(ctx context.Context, l *RunLock, fn func(Tx) error) error {
	now := s.now()
	return s.Store.Update(ctx, func(tx Tx) error {
		hb := RunLock{Period: l.Period, Run: l.Run, Heartbeat: now}
		ok, err := tx.Heartbeat(ctx, hb)
		if err != nil {
			return err
		}
		if !ok {
			return lockLost(*l)
		}
		l.Heartbeat = now
		return fn(tx)
	})
}

// failRun returns err after releasing what can be released: the run's
// rows stay invisible and are deleted by the next run; the lock is left
// to expire unless the run can still renounce it.
func (s *Service) failRun(l RunLock, err error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Store.Update(ctx, func(tx Tx) error {
		if ok, e := tx.Heartbeat(ctx, RunLock{Period: l.Period, Run: l.Run, Heartbeat: s.now()}); e != nil || !ok {
			return e
		}
		r, e := tx.Run(ctx, l.Run)
		if e != nil {
			return e
		}
		r.Status, r.FinishedAt = RunAbandoned, s.now()
		if e := tx.UpdateRun(ctx, r); e != nil {
			return e
		}
		return tx.DeleteLock(ctx, l.Period, l.Run)
	})
	return err
}

// finishRun writes the bills, makes the run the period's, records the
// summary, books overpayments a lower bill leaves, and drops the lock.
// The bills are written while the Store makes the rows ready
// (Tx.PeriodWritten): on PostgreSQL a BillWriter's COPY runs beside the
// partition's ATTACH.
func (s *Service) finishRun(ctx context.Context, l RunLock, w *runWriter) (Summary, error) {
	sum := w.summary()
	bills := w.billList()
	billed, bl := make(chan error, 1), l // bl: the bills' copy of the lock, renewed apart
	access.Go(ctx, func() { billed <- s.writeBills(ctx, &bl, bills) })
	err := s.fenced(ctx, &l, func(tx Tx) error { return tx.PeriodWritten(ctx, l.Period) })
	if berr := <-billed; err == nil {
		err = berr
	}
	if err != nil {
		return sum, s.failRun(l, err)
	}
	var old int64
	err = s.fenced(ctx, &l, func(tx Tx) error {
		st, err := tx.Period(ctx, l.Period)
		if err != nil {
			return err
		}
		if st.Status.Final() {
			return fault.Conflictf("period", "assessment.period_closed", "period %s was closed during the run", l.Period)
		}
		old = st.CurrentRun
		st.CurrentRun = l.Run
		if err := tx.PutPeriod(ctx, st); err != nil {
			return err
		}
		if err := s.bookReassessmentOverpayments(ctx, tx, l.Period, l.Run); err != nil {
			return err
		}
		js, _ := json.Marshal(sum)
		r := Run{ID: l.Run, Period: l.Period, Status: RunDone, FinishedAt: s.now(), Persons: sum.Persons, Payers: len(bills), Total: sum.Total, Summary: string(js)}
		if err := tx.UpdateRun(ctx, r); err != nil {
			return err
		}
		return tx.DeleteLock(ctx, l.Period, l.Run)
	})
	if err != nil {
		return sum, s.failRun(l, err)
	}
	if old != 0 {
		// Best effort: the next run deletes them too if this fails.
		if err := s.deleteStale(ctx, l.Period, nil); err != nil {
			sum.StaleLeft = err.Error()
		}
	}
	return sum, nil
}

// writeBills writes the bills of l's run: with the Store's BillWriter
// if it has one, else in fenced transactions of txRows bills.
func (s *Service) writeBills(ctx context.Context, l *RunLock, bills []Bill) error {
	if bw, ok := s.Store.(BillWriter); ok {
		l.Heartbeat = s.now()
		held, err := bw.WriteBills(ctx, *l, bills)
		if err == nil && !held {
			err = lockLost(*l)
		}
		return err
	}
	for i := 0; i < len(bills); i += s.txRows() {
		part := bills[i:min(i+s.txRows(), len(bills))]
		if err := s.fenced(ctx, l, func(tx Tx) error { return tx.InsertBills(ctx, part) }); err != nil {
			return err
		}
	}
	return nil
}

// lockLost is the Conflict of a run that lost its period to another.
func lockLost(l RunLock) error {
	return fault.Conflictf("period", "assessment.lock_lost", "run %d lost period %s to another run; its work is discarded", l.Run, l.Period)
}

// runWriter assesses the insured person-months of a run in chunks with
// the columnar engine and writes them.
type runWriter struct {
	s        *Service
	lock     RunLock
	total    int // the rows read so far (the progress's total)
	progress func(done, total int)
	meta     []registry.Insured // the chunk being read
	spool    *spool             // chunks read, to assess
	writes   chan []Row         // chunks assessed, to write
	dead     chan struct{}      // closed when a stage fails
	fail     sync.Once
	werr     error // why a stage failed
	wg       sync.WaitGroup
	mu       sync.Mutex // guards total, written and the callbacks
	written  int
	out      rules.Assessment
	seq      int32
	flexBase map[flexLevel]money.Fen
	credit   map[string]int64 // account rate (ppm) by division
	bills    map[PayerRef]*Bill
	persons  personSet
	lines    [rules.NumLines]money.Fen // sums of the lines
	sum      Summary
	ctx      context.Context
}

// chunk is a chunk of insured person-months read from the registry.
type chunk struct {
	pop  *rules.Population
	meta []registry.Insured
}

// start runs the assessor and the writers. The progress's total is the
// person-months read so far (the reading runs ahead of the writing, so
// it is all of them within seconds): a count of its own, beside the
// reading, was one more query over every relation, a processor's worth
// of seconds on the 1,000,000-person city taken from the requests while
// it read. The assessor assesses the
// chunks the reader hands off, in order, and accounts them to the bills
// and the summary; Service.Writers writers commit the assessed chunks,
// each in its own fenced transaction, while the reader reads on. A
// failure in any stage stops them all; w.werr says why once w.wg is done.
// (The count's read transaction also lasted most of the run on the
// 1,000,000-person city and kept SQLite's write-ahead log from being
// copied past its snapshot: the log grew to 2.3 GB.)
func (w *runWriter) start(ctx context.Context) {
	writers := max(w.s.Writers, 1)
	w.writes = make(chan []Row, writers)
	w.wg.Add(1 + writers)
	access.Go(ctx, func() { // the assessor
		defer w.wg.Done()
		defer close(w.writes)
		for it := range w.spool.items {
			if w.failed() {
				continue // drain
			}
			access.Yield(ctx)
			rows, err := w.assessItem(it)
			if err != nil {
				w.stop(err)
				continue
			}
			select {
			case w.writes <- rows:
			case <-w.dead:
			}
		}
	})
	for range writers {
		access.Go(ctx, func() { // a writer
			defer w.wg.Done()
			for rows := range w.writes {
				if w.failed() {
					continue
				}
				if err := w.write(ctx, rows); err != nil {
					w.stop(err)
					continue
				}
				w.committed(len(rows))
			}
		})
	}
}

func (w *runWriter) stop(err error) {
	w.fail.Do(func() { w.werr = err; close(w.dead) })
}

func (w *runWriter) failed() bool {
	select {
	case <-w.dead:
		return true
	default:
		return false
	}
}

// committed counts committed rows and calls the callbacks.
func (w *runWriter) committed(n int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.written += n
	if w.progress != nil {
		w.progress(w.written, max(w.total, w.written))
	}
	if w.s.AfterChunk != nil {
		w.s.AfterChunk(w.written)
	}
}

// handoff passes the chunk read so far to the assessor, in memory or
// spilled (see spool).
func (w *runWriter) handoff() error {
	if len(w.meta) == 0 {
		return nil
	}
	it, inMemory, err := w.spool.item(w.meta)
	if err != nil {
		return err
	}
	select {
	case w.spool.items <- it:
	case <-w.dead:
		return errStopped
	}
	w.mu.Lock()
	w.total += len(w.meta) // the progress's total: the rows read so far, all of them once the reading is done
	w.mu.Unlock()
	if inMemory {
		w.meta = make([]registry.Insured, 0, w.s.chunk())
	} else {
		w.meta = w.meta[:0]
	}
	return nil
}

// readAhead is how many chunks the reading may run ahead of the
// assessor: every chunk of a province's month (20,000,000 person-months
// in chunks of 20,000), so that the reading never waits for the writers.
// Those beyond Service.ReadAheadBytes wait in the spool file: about 30
// bytes a person-month, 16 MB on the 1,000,000-person city, whose
// month in memory at once was about 150 MB.
const readAhead = 1024

type flexLevel struct {
	division string
	pct      int
}

// PayerRef names one payer: an employer or a flexible worker.
type PayerRef struct {
	Kind PayerKind
	ID   int64
}

func newRunWriter(s *Service, l RunLock, progress func(int, int)) *runWriter {
	n := s.chunk()
	return &runWriter{s: s, lock: l, progress: progress,
		meta: make([]registry.Insured, 0, n), spool: newSpool(s.readAheadBytes(), readAhead), dead: make(chan struct{}),
		flexBase: map[flexLevel]money.Fen{}, credit: map[string]int64{}, bills: map[PayerRef]*Bill{},
		sum: Summary{Period: l.Period, Run: l.Run, ByInsurance: map[rules.Insurance]money.Fen{}, ByParty: map[rules.Party]money.Fen{}}}
}

// add takes one insured person-month; a full chunk is handed to the
// assessor.
func (w *runWriter) add(in registry.Insured) error {
	w.meta = append(w.meta, in)
	if len(w.meta)%yieldRows == 0 {
		access.Yield(w.ctx) // the processors to the requests in flight
	}
	if len(w.meta) >= w.s.chunk() {
		return w.handoff()
	}
	return nil
}

// yieldRows is how many rows a run's reading and assessing go between
// two access.Yield: a few milliseconds of processor, so that a request
// arriving meanwhile waits that long at most for the processor the run
// holds (the Go scheduler takes a processor from a goroutine that does
// not give it up only after 10 ms, and then hands it in turn among every
// runnable goroutine, the run's included).
const yieldRows = 2048

// assessItem assesses the chunk of it (read back if spilled).
func (w *runWriter) assessItem(it spoolItem) ([]Row, error) {
	meta, err := w.spool.take(it)
	if err != nil {
		return nil, err
	}
	pop, err := w.population(meta)
	if err != nil {
		return nil, err
	}
	return w.assess(chunk{pop, meta})
}

// population is the engine's population of a chunk of person-months.
func (w *runWriter) population(meta []registry.Insured) (*rules.Population, error) {
	p := w.lock.Period
	pop := rules.NewPopulation(len(meta))
	for _, in := range meta {
		row := rules.Person{Division: in.Division, Kind: rules.KindEmployee, Wage: in.Wage, RiskClass: in.RiskClass, FloatPct: in.RiskFloatPct, Period: p}
		if in.Kind == registry.KindFlexible {
			base, err := w.flexibleBase(in)
			if err != nil {
				return nil, err
			}
			row = rules.Person{Division: in.Division, Kind: rules.KindFlexible, Wage: base, Period: p}
		}
		if err := pop.Append(row); err != nil {
			return nil, relationError(in, err)
		}
	}
	return pop, nil
}

func (w *runWriter) flexibleBase(in registry.Insured) (money.Fen, error) {
	key := flexLevel{in.Division, in.BasePct}
	if b, ok := w.flexBase[key]; ok {
		return b, nil
	}
	b, err := w.s.Params.FlexibleBase(in.Division, w.lock.Period, in.BasePct)
	if err != nil {
		return 0, relationError(in, err)
	}
	w.flexBase[key] = b
	return b, nil
}

func relationError(in registry.Insured, err error) error {
	if in.Kind == registry.KindFlexible {
		return fmt.Errorf("flexible enrolment %d of person %d: %w", in.FlexibleID, in.PersonID, err)
	}
	return fmt.Errorf("employment %d of person %d: %w", in.EmploymentID, in.PersonID, err)
}

// errStopped stops the reader when a later stage failed (w.werr says why).
var errStopped = errors.New("assessment run stopped")

// assess assesses a chunk with the columnar engine and accounts its rows
// to the bills and the summary.
func (w *runWriter) assess(c chunk) ([]Row, error) {
	if err := w.s.Params.Assess(c.pop, w.lock.Period, &w.out); err != nil {
		return nil, err
	}
	rows := make([]Row, 0, len(c.meta))
	for i := range c.meta {
		r, err := w.row(&c.meta[i], i)
		if err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	for i := range rows {
		w.account(&rows[i])
	}
	w.sum.Rows += len(rows)
	return rows, nil
}

// write commits rows, fenced by the run's lock.
func (w *runWriter) write(ctx context.Context, rows []Row) error {
	l := RunLock{Period: w.lock.Period, Run: w.lock.Run, Heartbeat: w.s.now()}
	rw, ok := w.s.Store.(RowWriter)
	if !ok {
		return w.s.fenced(ctx, &l, func(tx Tx) error { return tx.InsertRows(ctx, rows) })
	}
	held, err := rw.WriteRows(ctx, l, rows)
	if err != nil {
		return err
	}
	if !held {
		return lockLost(w.lock)
	}
	return nil
}

// row builds the stored row of buffered person-month i.
func (w *runWriter) row(in *registry.Insured, i int) (Row, error) {
	w.seq++
	r := Row{Period: w.lock.Period, Run: w.lock.Run, Seq: w.seq, PersonID: in.PersonID, Division: in.Division, Base: w.out.Base[i]}
	if in.Kind == registry.KindFlexible {
		r.Kind, r.RelationID, r.PayerID = PayerFlexible, in.FlexibleID, in.PersonID
	} else {
		r.Kind, r.RelationID, r.PayerID = PayerEmployer, in.EmploymentID, in.EmployerID
	}
	enrolled := enrolledIn(in)
	for l := rules.Line(0); l < rules.NumLines; l++ {
		if enrolled&lineBit[l] != 0 {
			r.Lines[l] = w.out.Amount[l][i]
		}
	}
	if enrolled.has(rules.Pension) {
		ppm, err := w.creditPPM(in.Division)
		if err != nil {
			return r, relationError(*in, err)
		}
		r.AccountCredit = r.Base.MulRatePPM(ppm)
	}
	return r, nil
}

// creditPPM is the account rate of a division in the run's period.
func (w *runWriter) creditPPM(div string) (int64, error) {
	if ppm, ok := w.credit[div]; ok {
		return ppm, nil
	}
	ppm, err := w.s.Params.AccountRatePPM(div, w.lock.Period)
	w.credit[div] = ppm
	return ppm, err
}

// insuranceSet is a set of the four insurances.
type insuranceSet uint8

func bitOf(i rules.Insurance) insuranceSet {
	switch i {
	case rules.Pension:
		return 1
	case rules.Medical:
		return 2
	case rules.Unemployment:
		return 4
	case rules.WorkInjury:
		return 8
	}
	return 0
}

// lineBit is the insurance bit of each contribution line.
var lineBit = func() (b [rules.NumLines]insuranceSet) {
	for l := range b {
		b[l] = bitOf(rules.Line(l).Insurance())
	}
	return b
}()

func (s insuranceSet) has(i rules.Insurance) bool { return s&bitOf(i) != 0 }

func enrolledIn(in *registry.Insured) insuranceSet {
	var s insuranceSet
	for _, x := range in.Insurances {
		s |= bitOf(rules.Insurance(x))
	}
	return s
}

// account adds a written row to the bills and the summary.
func (w *runWriter) account(r *Row) {
	k := PayerRef{r.Kind, r.PayerID}
	b := w.bills[k]
	if b == nil {
		b = &Bill{Period: r.Period, Run: r.Run, PayerKind: r.Kind, PayerID: r.PayerID, Division: r.Division}
		w.bills[k] = b
	}
	b.Persons++
	emp := r.EmployerPart()
	t := r.Total()
	b.EmployerPart += emp
	b.IndividualPart += t - emp
	b.Total += t
	w.sum.Total += t
	for l, a := range r.Lines {
		w.lines[l] += a
	}
	w.persons.add(r.PersonID)
}

// personSet is a set of person IDs: a bitmap for the usual dense IDs,
// a map beyond.
type personSet struct {
	bits []uint64
	big  map[int64]struct{}
	n    int
}

func (ps *personSet) add(id int64) {
	if id < 0 || id >= 1<<32 {
		if ps.big == nil {
			ps.big = map[int64]struct{}{}
		}
		if _, ok := ps.big[id]; !ok {
			ps.big[id] = struct{}{}
			ps.n++
		}
		return
	}
	w := int(id >> 6)
	if w >= len(ps.bits) {
		ps.bits = append(ps.bits, make([]uint64, w+1-len(ps.bits)+len(ps.bits)/2)...)
	}
	if m := uint64(1) << (id & 63); ps.bits[w]&m == 0 {
		ps.bits[w] |= m
		ps.n++
	}
}

func (w *runWriter) summary() Summary {
	s := w.sum
	s.Persons = w.persons.n
	for l, a := range w.lines {
		s.ByInsurance[rules.Line(l).Insurance()] += a
		s.ByParty[rules.Line(l).Party()] += a
	}
	for k := range w.bills {
		if k.Kind == PayerEmployer {
			s.Employers++
		} else {
			s.Flexible++
		}
	}
	for _, ins := range []rules.Insurance{rules.Pension, rules.Medical, rules.Unemployment, rules.WorkInjury} {
		s.ByInsurance[ins] += 0
	}
	return s
}

// billList returns the bills in payer order.
func (w *runWriter) billList() []Bill {
	out := make([]Bill, 0, len(w.bills))
	for _, b := range w.bills {
		out = append(out, *b)
	}
	sortBills(out)
	return out
}
