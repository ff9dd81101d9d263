package insurance

import (
	"context"
	"time"

	"hrss/access"

	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Service is social insurance's one entry point. Each method runs in one
// transaction of Store, except the batch jobs (Assess, Correct's
// recomputation, payment runs), which commit in chunks and can be re-run.
type Service struct {
	Store   Store
	Insured registry.InsuredReader // the registry's insured person-months
	Params  *rules.Params
	Vault   *ident.Vault     // hashes flexible workers' resident IDs in collection files; nil refuses them
	Now     func() time.Time // the service clock; time.Now when nil
	// LockTTL is how long a run's lock outlives its last heartbeat before
	// another run may take the period over (a crashed run); 2 minutes
	// when zero.
	LockTTL time.Duration
	// Chunk is the number of rows an assessment run commits at a time;
	// 20,000 when zero.
	Chunk int
	// CloseChunk is about how many persons a month's close credits in
	// one transaction (whole payers: an employer's staff is never split);
	// 5,000 when zero.
	CloseChunk int
	// Writers is the number of chunks an assessment run commits at once,
	// each on its own connection (PostgreSQL takes them in parallel;
	// SQLite's one writer takes them in turn); 1 when zero.
	Writers int
	// AfterChunk, when set, is called after each committed chunk of an
	// assessment run with the rows committed so far (tests use it to
	// crash a run half-way).
	AfterChunk func(rows int)
	// AfterDelete, when set, is called after each committed chunk of a
	// run's deletion of other runs' rows with the rows deleted so far.
	AfterDelete func(rows int)
	// ReadAheadBytes bounds the memory of the person-months an
	// assessment run has read and not yet assessed; the rest waits in a
	// spool file (see spool); 32 MiB when zero.
	ReadAheadBytes int64
	// FeeChunk is the number of bills a late fee billing bills per
	// transaction; 250 when zero.
	FeeChunk int
	// AfterFeeChunk, when set, is called after each committed chunk of a
	// late fee billing with the last bill billed (tests use it to
	// interrupt a billing half-way).
	AfterFeeChunk func(last BillKey)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// NowTime returns the service clock's time.
func (s *Service) NowTime() time.Time { return s.now() }

func (s *Service) today() period.Date { return period.FromTime(s.now()) }

func (s *Service) lockTTL() time.Duration {
	if s.LockTTL > 0 {
		return s.LockTTL
	}
	return 2 * time.Minute
}

func (s *Service) readAheadBytes() int64 {
	if s.ReadAheadBytes > 0 {
		return s.ReadAheadBytes
	}
	return readAheadBytes
}

func (s *Service) chunk() int {
	if s.Chunk > 0 {
		return s.Chunk
	}
	return 20_000
}

// Store runs transactions over social insurance's data. store/
// implements it for SQLite and PostgreSQL.
type Store interface {
	// Update runs fn in one read-write transaction, retried as a whole on
	// a serialization failure; fn's error rolls it back and is returned.
	Update(ctx context.Context, fn func(Tx) error) error
	// UpdateChunk is Update for one chunk of a batch job that reads
	// thousands of rows (a close's credits): serialized with every Update
	// as Update is, but without tracking what it reads for serialization
	// (REPEATABLE READ on PostgreSQL), whose locks a long transaction
	// anywhere on the server keeps alive until they fill its memory.
	UpdateChunk(ctx context.Context, fn func(Tx) error) error
	// View runs fn in one read-only transaction.
	View(ctx context.Context, fn func(Tx) error) error
	// Appender appends the audit entry of a read after its snapshot
	// (access.ViewAudited).
	access.Appender
}

// Tx is what social insurance reads and writes inside a transaction.
// Reads of a missing row return a *fault.Error of Kind NotFound.
type Tx interface {
	access.AuditTx // every write, and every view of a person's record, is audited in its transaction
	MoneyTx        // late fees, credits and refunds
	BenefitTx      // stops, overpayments and recoveries of benefit
	// Period returns the state of period p (Status "" if never assessed).
	Period(ctx context.Context, p period.YearMonth) (PeriodState, error)
	// PutPeriod inserts or replaces the state of a period.
	PutPeriod(ctx context.Context, st PeriodState) error
	// ListPeriods lists every period in order.
	ListPeriods(ctx context.Context) ([]PeriodState, error)
	// Lock returns the run lock of p, if one is held.
	Lock(ctx context.Context, p period.YearMonth) (RunLock, bool, error)
	// PutLock inserts or replaces the run lock of a period.
	PutLock(ctx context.Context, l RunLock) error
	// Heartbeat renews l if its run still holds the lock of its period
	// and reports whether it does.
	Heartbeat(ctx context.Context, l RunLock) (bool, error)
	// DeleteLock drops the lock of p if run holds it.
	DeleteLock(ctx context.Context, p period.YearMonth, run int64) error
	InsertRun(ctx context.Context, r *Run) error // sets r.ID
	// UpdateRun records a run's status, end and figures.
	UpdateRun(ctx context.Context, r Run) error
	Run(ctx context.Context, id int64) (Run, error)
	// ListRuns lists the runs of p, newest first.
	ListRuns(ctx context.Context, p period.YearMonth) ([]Run, error)
	// AbandonRuns marks every running run of p other than keep abandoned.
	AbandonRuns(ctx context.Context, p period.YearMonth, keep int64) error
	// PreparePeriod makes the storage for rows of p ready (a partition).
	PreparePeriod(ctx context.Context, p period.YearMonth) error
	// PeriodWritten is told that a run's rows of p are all written, so
	// that storage makes them ready to be read (attaches the partition
	// PreparePeriod made) and refreshes what it keeps about their size
	// (the planner's statistics of a partition).
	PeriodWritten(ctx context.Context, p period.YearMonth) error
	// DeleteRunRows deletes at most limit of the rows and bills of p
	// whose run is neither keep1 nor keep2, past the mark from (the
	// zero mark, or one made with other keeps, is the start), and
	// returns how many it did and the mark of where it got to, to pass
	// to the next call (DeleteMark).
	DeleteRunRows(ctx context.Context, p period.YearMonth, keep1, keep2 int64, from DeleteMark, limit int) (DeleteMark, int, error)
	// InsertRows writes assessment rows.
	InsertRows(ctx context.Context, rows []Row) error
	// InsertBills writes bills.
	InsertBills(ctx context.Context, bills []Bill) error
	// Bills lists the bills of the current runs with their adjustments,
	// payments and overpayments.
	Bills(ctx context.Context, f BillFilter) ([]Bill, error)
	// BookOverpayments records, for every bill of p in run whose applied
	// payments exceed its due plus recorded overpayments, the excess.
	BookOverpayments(ctx context.Context, p period.YearMonth, run int64, now time.Time) error
	// YearClosed reports whether the accounts of year are closed.
	YearClosed(ctx context.Context, year int) (bool, error)
	// PostPaidCredits records as paid contribution months (and account
	// credits) the rows and adjustments of the fully paid bills of p's
	// run of the payers r, booked in bookYear; rows already recorded are
	// left alone.
	PostPaidCredits(ctx context.Context, p period.YearMonth, run int64, r PayerRange, bookYear int, now time.Time) error
	// BillPayers lists, in ID order, at most limit payers of kind after
	// the ID after that have a bill in p's run, with the bill's persons.
	BillPayers(ctx context.Context, p period.YearMonth, run int64, kind PayerKind, after int64, limit int) ([]BillPayer, error)
	// BilledPersons returns the persons of the bills of p's run: of the
	// payers up to upTo in payer order (kind, then ID), and of all.
	BilledPersons(ctx context.Context, p period.YearMonth, run int64, upTo PayerRef) (done, total int, err error)
	// InsertImport records a collection file taken in; sets im.ID.
	InsertImport(ctx context.Context, im *Import) error
	// Payment returns the payment with a reference, if any.
	Payment(ctx context.Context, reference string) (Payment, bool, error)
	// InsertPayment records a payment.
	InsertPayment(ctx context.Context, p Payment) error
	// Payments lists the payments of a period (of one payer when kind is
	// not 0), in date and reference order.
	Payments(ctx context.Context, p period.YearMonth, kind PayerKind, payer int64) ([]Payment, error)
	// EmployerByCreditCode finds an employer.
	EmployerByCreditCode(ctx context.Context, code string) (int64, bool, error)
	// PersonByIDHash finds a person by the keyed hash of the resident ID.
	PersonByIDHash(ctx context.Context, hash []byte) (int64, bool, error)
	// InsertLegacy records legacy yearly account records of batch,
	// leaving years already recorded alone.
	InsertLegacy(ctx context.Context, batch string, years []LegacyYear) error
	// YearCloseOf returns the close of year, if any.
	YearCloseOf(ctx context.Context, year int) (YearClose, bool, error)
	InsertYearClose(ctx context.Context, yc *YearClose) error // sets yc.ID
	UpdateYearClose(ctx context.Context, yc YearClose) error
	// AccountOpenings returns, for every person with an account not
	// covered by a legacy record of year, the balance before year
	// (legacy, credits booked before it, interest of earlier years) and
	// the credits booked in it.
	AccountOpenings(ctx context.Context, year int) ([]AccountOpening, error)
	InsertInterest(ctx context.Context, rows []InterestYear) error
	LegacyYears(ctx context.Context, person int64) ([]LegacyYear, error)
	CreditYears(ctx context.Context, person int64) ([]CreditYear, error)
	InterestYears(ctx context.Context, person int64) ([]InterestYear, error)
	// PersonBasics returns the person's name, sex, birth and division.
	PersonBasics(ctx context.Context, person int64) (PersonBasics, error)
	// AccountBalance returns the person's account balance: legacy
	// records, credits and interest posted.
	AccountBalance(ctx context.Context, person int64) (money.Fen, error)
	// CreditedMonths lists the person's paid contribution months in order.
	CreditedMonths(ctx context.Context, person int64) ([]CreditedMonth, error)
	InsertClaim(ctx context.Context, c *Claim) error // sets c.ID
	// UpdateClaim records a claim's status, payments and decision.
	UpdateClaim(ctx context.Context, c Claim) error
	Claim(ctx context.Context, id int64) (Claim, error)
	ListClaims(ctx context.Context, f ClaimFilter) ([]Claim, error)
	// PutClaimAmount records the monthly amount of a claim from a month.
	PutClaimAmount(ctx context.Context, claim int64, from period.YearMonth, amount money.Fen, reason string) error
	// ClaimAmountAt returns the monthly amount of a claim in force in p (0 if none).
	ClaimAmountAt(ctx context.Context, claim int64, p period.YearMonth) (money.Fen, error)
	// ClaimPaidFrom returns the months and total paid on a claim for
	// periods from on.
	ClaimPaidFrom(ctx context.Context, claim int64, from period.YearMonth) (int, money.Fen, error)
	// CarriedMonths returns the unused months of the person's last
	// stopped unemployment claim.
	CarriedMonths(ctx context.Context, person int64) (int, error)
	EmploymentBasics(ctx context.Context, id int64) (EmploymentBasics, error)
	// ActiveUnemploymentRegistration returns the person's active
	// unemployment registration in the employment services, if any.
	ActiveUnemploymentRegistration(ctx context.Context, person int64) (UnemploymentRegistration, bool, error)
	// EmploymentStartedAfter returns the first relation of the person
	// starting after day.
	EmploymentStartedAfter(ctx context.Context, person int64, day period.Date) (int64, period.Date, bool, error)
	BenefitRun(ctx context.Context, kind ClaimKind, p period.YearMonth) (PaymentRun, bool, error)
	InsertBenefitRun(ctx context.Context, r *PaymentRun) error // sets r.ID
	UpdateBenefitRun(ctx context.Context, r PaymentRun) error
	// BenefitRequest returns the run and batch (0: it paid no one) that
	// the request key made; ok is false for a key not seen.
	BenefitRequest(ctx context.Context, key string) (runID int64, batch int, ok bool, err error)
	// InsertBenefitRequest records that key made batch of run runID; a
	// key used before fails with Conflict.
	InsertBenefitRequest(ctx context.Context, key string, runID int64, batch int) error
	InsertBenefitPayments(ctx context.Context, pays []BenefitPayment) error
	// BenefitPayments lists the payments of a run with the persons' names.
	BenefitPayments(ctx context.Context, run int64) ([]BenefitPayment, error)
	// RelationDivision returns the division of an employment relation's
	// employer or of a flexible enrolment.
	RelationDivision(ctx context.Context, kind PayerKind, id int64) (string, error)
	InsertCorrection(ctx context.Context, c *Correction) error // sets c.ID
	// InsuredRelation returns one relation as an insured person-month of
	// p and whether it is active in p.
	InsuredRelation(ctx context.Context, kind PayerKind, id int64, p period.YearMonth) (registry.Insured, bool, error)
	// RelationRows returns a relation's rows of run in p and its
	// adjustments in p.
	RelationRows(ctx context.Context, p period.YearMonth, run int64, kind PayerKind, id int64) ([]Row, error)
	// InsertAdjustment records an adjustment row of a correction.
	InsertAdjustment(ctx context.Context, correction int64, r *Row) error
	// Income sums the bills of the current runs of f's periods (of one
	// division when set) by period and division.
	Income(ctx context.Context, f IncomeFilter) ([]IncomeRow, error)
	// CheckInvariant checks one of Invariants and returns how many rows
	// or groups it examined and at most limit breaches.
	CheckInvariant(ctx context.Context, name string, limit int) (int, []string, error)
}
