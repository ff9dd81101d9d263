package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"hrss/access"
	"hrss/rules/fault"
)

// Kind is one kind of job: its name, who may start it and see it, how
// often it may be tried, and what it does.
type Kind struct {
	Name string
	// Perm is the permission a caller needs to enqueue the kind and to
	// see its jobs; the handler's service checks the rest (scope) when
	// it runs as the enqueuer.
	Perm access.Perm
	// MaxAttempts bounds the tries of one job (default 3): a job whose
	// worker died is retried until then, then failed.
	MaxAttempts int
	// Check, when set, validates the arguments when the job is enqueued,
	// so that bad input is refused at once, naming the field.
	Check func(args json.RawMessage) error
	// Run does the job as the caller in ctx; r reports progress and tells
	// which attempt this is. Its result is stored as JSON.
	Run func(ctx context.Context, args json.RawMessage, r *Run) (any, error)
}

// Run is what a handler knows of its job while it runs.
type Run struct {
	Job Job // as claimed (Attempts: this attempt, from 1)

	mu sync.Mutex
	p  Progress
}

// Report records the progress of the job; the worker stores it with its
// next lease renewal (at most Queue.Beat later).
func (r *Run) Report(done, total int64, note string) {
	r.mu.Lock()
	r.p = Progress{Done: done, Total: total, Note: note}
	r.mu.Unlock()
}

// Key is the job's request key, "queue_jobs/ID", the same for every
// attempt: a handler that stores it with what it made (a payment run)
// finds it again on a later attempt instead of making it twice.
func (r *Run) Key() string { return "queue_jobs/" + strconv.FormatInt(r.Job.ID, 10) }

func (r *Run) progress() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.p
}

// Queue is the job queue's service: the kinds it knows, the worker that
// runs them and the scheduler. The zero durations take their defaults.
type Queue struct {
	Store Store
	Now   func() time.Time // the clock; time.Now when nil
	// Worker names this process in the jobs it claims (default
	// host:pid:random).
	Worker string
	// Lease is how long a claim holds without renewal (default 1 min);
	// Beat how often a running job renews it and stores its progress
	// (default 1 s), Poll how often an idle worker looks for work
	// (default 1 s).
	Lease, Beat, Poll time.Duration
	// Observe, when set, is told of every job that ends on this server
	// (for the metrics).
	Observe func(kind string, started time.Time, err error)
	// Recheck gives the caller a job runs as, from the caller stored when
	// it was queued: the user as they are when the job starts
	// (access.Service.Recheck: a user disabled or a token revoked since
	// is refused, a role changed since is the new one). The job then runs
	// only if that caller still has its kind's permission; otherwise it
	// fails with the refusal, having done nothing. Nil runs the stored
	// caller unread (the queue's own tests, which have no users).
	Recheck func(ctx context.Context, queued access.Caller) (access.Caller, error)

	kinds map[string]Kind
	once  sync.Once
}

// Register adds k. It panics on a duplicate name (a wiring mistake).
func (q *Queue) Register(k Kind) {
	if q.kinds == nil {
		q.kinds = map[string]Kind{}
	}
	if _, dup := q.kinds[k.Name]; dup {
		panic("queue: kind " + k.Name + " registered twice")
	}
	if k.MaxAttempts == 0 {
		k.MaxAttempts = 3
	}
	q.kinds[k.Name] = k
}

// Kinds returns the names of the registered kinds, sorted.
func (q *Queue) Kinds() []string {
	out := make([]string, 0, len(q.kinds))
	for n := range q.kinds {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (q *Queue) now() time.Time {
	if q.Now != nil {
		return q.Now().UTC()
	}
	return time.Now().UTC()
}

func (q *Queue) worker() string {
	q.once.Do(func() {
		if q.Worker == "" {
			host, _ := os.Hostname()
			b := make([]byte, 4)
			rand.Read(b)
			q.Worker = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
		}
	})
	return q.Worker
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// kind returns the registered kind name, or an Invalid error naming the
// field "kind" and the kinds there are.
func (q *Queue) kind(name string) (Kind, error) {
	k, ok := q.kinds[name]
	if !ok {
		return Kind{}, fault.Invalidf("kind", "queue.kind", "%q is not a kind of job (%s)", name, strings.Join(q.Kinds(), ", "))
	}
	return k, nil
}

// Enqueue queues a job of kind with args (JSON; empty is {}) to run as
// the caller of ctx. It fails with Invalid for an unknown kind or bad
// arguments, Unauthorized without a caller and Forbidden when the caller
// may not run the kind.
func (q *Queue) Enqueue(ctx context.Context, kind string, args json.RawMessage) (Job, error) {
	j, _, err := q.EnqueueKey(ctx, kind, "", args)
	return j, err
}

// EnqueueKey is Enqueue with the job's unique key (none when ""): when a
// job of kind with key exists it returns that job and created false, and
// queues nothing. A caller's request key (an Idempotency-Key, scoped to
// the user) as the key makes a repeated request answer the first one's
// job. The checks and errors are Enqueue's.
func (q *Queue) EnqueueKey(ctx context.Context, kind, key string, args json.RawMessage) (j Job, created bool, err error) {
	k, err := q.kind(kind)
	if err != nil {
		return Job{}, false, err
	}
	c, err := access.Require(ctx, k.Perm)
	if err != nil {
		return Job{}, false, err
	}
	if len(args) == 0 {
		args = json.RawMessage("{}")
	}
	if !json.Valid(args) {
		return Job{}, false, fault.Invalidf("args", "queue.args", "the arguments are not JSON")
	}
	if k.Check != nil {
		if err := k.Check(args); err != nil {
			return Job{}, false, err
		}
	}
	now := q.now()
	return q.Store.Enqueue(ctx, Job{Kind: kind, Key: key, Args: args, Caller: c, CreatedBy: c.Name, State: Queued,
		MaxAttempts: k.MaxAttempts, RunAt: now, CreatedAt: now}, true)
}

// Slot returns the start of the slot of length every that holds t (slots
// count from the Unix epoch, so every server agrees on them).
func Slot(t time.Time, every time.Duration) time.Time {
	return time.Unix(0, t.UnixNano()-t.UnixNano()%int64(every)).UTC()
}

// Schedule enqueues, as System, one job of kind for the current slot of
// length every (key: the slot's start), at once and then at each slot's
// start, until ctx ends. However many servers schedule the same kind,
// each slot is one job. It fails at once for an unknown kind or every ≤ 0.
func (q *Queue) Schedule(ctx context.Context, kind string, every time.Duration) error {
	k, err := q.kind(kind)
	if err != nil {
		return err
	}
	if every <= 0 {
		return fault.Invalidf("every", "queue.every", "a schedule's interval must be positive")
	}
	go func() {
		for {
			slot := Slot(q.now(), every)
			if _, err := q.enqueueSlot(ctx, k, slot); err != nil && ctx.Err() == nil {
				slog.Error("queue: schedule", "kind", kind, "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(slot.Add(every).Sub(q.now())):
			}
		}
	}()
	return nil
}

// enqueueSlot enqueues the job of k for slot unless it exists.
func (q *Queue) enqueueSlot(ctx context.Context, k Kind, slot time.Time) (Job, error) {
	now := q.now()
	j, _, err := q.Store.Enqueue(ctx, Job{Kind: k.Name, Key: slot.Format(time.RFC3339), Args: json.RawMessage("{}"),
		Caller: access.System, CreatedBy: "schedule", State: Queued, MaxAttempts: k.MaxAttempts, RunAt: slot, CreatedAt: now}, false)
	return j, err
}

// Work claims and runs jobs until ctx ends, one at a time; a server that
// should run several at once starts Work several times.
func (q *Queue) Work(ctx context.Context) {
	poll := orDefault(q.Poll, time.Second)
	for ctx.Err() == nil {
		ran, err := q.RunOne(ctx)
		if err != nil && ctx.Err() == nil {
			slog.Error("queue: claim", "err", err)
		}
		if ran {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(poll):
		}
	}
}

// RunOne claims one due job and runs it to its end; ran is false when
// nothing was due. The error is the store's, never the job's (which is
// recorded with the job).
func (q *Queue) RunOne(ctx context.Context) (ran bool, err error) {
	lease := orDefault(q.Lease, time.Minute)
	now := q.now()
	j, ok, err := q.Store.Claim(ctx, q.worker(), q.Kinds(), now, now.Add(lease))
	if err != nil || !ok {
		return false, err
	}
	q.run(ctx, j)
	return true, nil
}

// run runs the claimed job j as its caller (runAs), renewing its lease
// every Beat, and records its outcome. Losing the lease cancels the
// handler's context.
func (q *Queue) run(ctx context.Context, j Job) {
	k := q.kinds[j.Kind]
	r := &Run{Job: j}
	started := time.Now()
	c, err := q.runAs(ctx, k, j)
	if err != nil && !refusal(err) && j.Attempts < j.MaxAttempts && ctx.Err() == nil {
		// the caller could not be read (the database unreachable, a
		// serialization failure given up): not a refusal, so the job is
		// left to its lease, which runs out unrenewed, and is tried
		// again like a job whose worker died; the last attempt records
		// the error
		slog.Warn("queue: the caller could not be read again; the job is tried again when its lease runs out", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
		return
	}
	var res any
	if err == nil {
		res, err = q.runLeased(access.Background(access.WithCaller(ctx, c)), k, r) // a job waits for the interactive work
	}
	o := Outcome{Refused: refusal(err)}
	if err == nil {
		o.Result, err = json.Marshal(res)
	}
	if err != nil {
		o.Error = failureOf(err)
	}
	if err != nil && ctx.Err() != nil {
		// this server is shutting down: the job is left to another
		// worker, which takes it when the lease runs out
		slog.Warn("queue: stopped by shutdown; another worker takes the job when its lease runs out", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
		return
	}
	if q.Observe != nil {
		q.Observe(j.Kind, started, err)
	}
	held, ferr := q.Store.Finish(context.WithoutCancel(ctx), j.ID, q.worker(), j.Attempts, r.progress(), o, q.now())
	switch {
	case ferr != nil:
		slog.Error("queue: finish", "job", j.ID, "kind", j.Kind, "err", ferr)
	case !held:
		slog.Warn("queue: lost the lease; the outcome of this attempt is dropped", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	case err != nil:
		slog.Error("queue: job failed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
	default:
		slog.Info("queue: job done", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	}
}

// runAs returns the caller job j runs as: the one who queued it, read
// again through Recheck, who must still hold k's permission (a scheduled
// job's System always does). A refusal is Forbidden or Unauthorized; any
// other error is the store's (transient).
func (q *Queue) runAs(ctx context.Context, k Kind, j Job) (access.Caller, error) {
	c := j.Caller
	if q.Recheck != nil && !c.IsSystem() {
		var err error
		if c, err = q.Recheck(ctx, c); err != nil {
			return c, err
		}
	}
	_, err := access.Require(access.WithCaller(ctx, c), k.Perm)
	return c, err
}

// runLeased runs k's handler for r's job in ctx (which carries its
// caller) while a heartbeat renews the lease; the handler's context is
// cancelled when the lease is lost.
func (q *Queue) runLeased(ctx context.Context, k Kind, r *Run) (any, error) {
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	var beats sync.WaitGroup
	beats.Add(1)
	go func() {
		defer beats.Done()
		q.heartbeat(jctx, r, stop, cancel)
	}()
	var res any
	var err error
	access.Lowered(jctx, func() { res, err = safeRun(jctx, k, r.Job.Args, r) }) // on a thread of lowered priority when the server's Pacer says so
	close(stop)
	beats.Wait()
	return res, err
}

// safeRun runs k, turning a panic into an Internal error so that the job
// is recorded failed instead of the server dying with its lease.
func safeRun(ctx context.Context, k Kind, args json.RawMessage, r *Run) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &fault.Error{Kind: fault.Internal, Rule: "queue.panic", Message: fmt.Sprintf("job %s panicked: %v", k.Name, p)}
		}
	}()
	return k.Run(ctx, args, r)
}

// heartbeat renews r's lease with its progress every Beat until stop is
// closed; when the lease is lost it cancels the job.
func (q *Queue) heartbeat(ctx context.Context, r *Run, stop <-chan struct{}, cancel func()) {
	beat, lease := orDefault(q.Beat, time.Second), orDefault(q.Lease, time.Minute)
	t := time.NewTicker(beat)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		held, err := q.Store.Renew(ctx, r.Job.ID, q.worker(), r.Job.Attempts, r.progress(), q.now().Add(lease))
		if err != nil {
			slog.Warn("queue: renew", "job", r.Job.ID, "err", err) // the next beat tries again; the lease has room
			continue
		}
		if !held {
			cancel()
			return
		}
	}
}

// visible returns the kinds the caller of ctx may see.
func (q *Queue) visible(ctx context.Context) ([]string, error) {
	c, err := access.Current(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range q.Kinds() {
		if c.Can(q.kinds[n].Perm) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Jobs lists the jobs of the kinds the caller may run (f.Kinds narrows
// them), newest first. It fails with Unauthorized without a caller and
// Invalid for an unknown kind or state.
func (q *Queue) Jobs(ctx context.Context, f Filter) ([]Job, error) {
	vis, err := q.visible(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range f.Kinds {
		if _, err := q.kind(k); err != nil {
			return nil, err
		}
	}
	if len(f.Kinds) > 0 {
		vis = slices.DeleteFunc(vis, func(k string) bool { return !slices.Contains(f.Kinds, k) })
	}
	switch f.State {
	case "", Queued, Running, Succeeded, Failed:
	default:
		return nil, fault.Invalidf("state", "queue.state", "%q is not a state (queued, running, succeeded, failed)", f.State)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if len(vis) == 0 {
		return []Job{}, nil
	}
	f.Kinds = vis
	return q.Store.Jobs(ctx, f)
}

// Job returns job id if the caller may see its kind; otherwise, or when
// there is none, NotFound.
func (q *Queue) Job(ctx context.Context, id int64) (Job, error) {
	vis, err := q.visible(ctx)
	if err != nil {
		return Job{}, err
	}
	j, err := q.Store.Job(ctx, id)
	if err != nil {
		return Job{}, err
	}
	if !slices.Contains(vis, j.Kind) {
		return Job{}, fault.NotFoundf("no job %d", id)
	}
	return j, nil
}
