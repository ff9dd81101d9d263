package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"hrss/access"
	"hrss/insurance"
	"hrss/queue"
	"hrss/rules/fault"
	"hrss/rules/period"
	"hrss/support"
	"hrss/web"
)

// JobEmploymentSync is the kind of the employment services' city-wide
// synchronisation (the other kinds are named as web's job metrics).
const JobEmploymentSync = "employment_sync"

// JobLateFees is the kind of the billing of late fees due to the day it
// runs (serve --late-fees-every schedules it).
const JobLateFees = "late_fees"

// JobPensionRecompute is the kind of the scan that prepares, for review,
// the recomputations of provisional pensions whose base is published.
const JobPensionRecompute = "pension_recompute"

// newQueue returns the job queue over a's database with every kind of
// job a's server can run: the monthly assessment run and close, the support scan,
// the benefit and grant payment runs, the billing of late fees, the scan
// for pensions to recompute and the employment synchronisation. A job
// runs as the user who queued it as they are when it starts
// (access.Service.Recheck). observe, when set, is told of each job's end.
func newQueue(ws *web.Server, a *app, observe func(string, time.Time, error)) *queue.Queue {
	q := &queue.Queue{Store: a.db.Queue(), Observe: observe, Recheck: a.access.Recheck}
	if svc := ws.Insurance; svc != nil {
		q.Register(web.AssessmentKind(svc))
		q.Register(web.PeriodCloseKind(svc))
		q.Register(queue.Kind{Name: web.JobBenefitPayment, Perm: access.RunInsurance, Check: checkArgs[payArgs],
			Run: func(ctx context.Context, raw json.RawMessage, r *queue.Run) (any, error) {
				var in payArgs
				if err := json.Unmarshal(raw, &in); err != nil {
					return nil, err
				}
				p, _ := period.ParseYearMonth(in.Period)
				return svc.Pay(ctx, insurance.ClaimKind(in.Kind), p, r.Key())
			}})
		q.Register(queue.Kind{Name: JobPensionRecompute, Perm: access.OpenClaims, Check: checkArgs[recomputeArgs],
			Run: func(ctx context.Context, raw json.RawMessage, _ *queue.Run) (any, error) {
				var in recomputeArgs
				if err := json.Unmarshal(raw, &in); err != nil {
					return nil, err
				}
				p, _ := period.ParseYearMonth(in.AsOf)
				return svc.ScanRecomputations(ctx, p)
			}})
		// a later attempt after a worker died bills the same day again:
		// what the first billed is not billed twice (BillLateFees)
		q.Register(queue.Kind{Name: JobLateFees, Perm: access.RunInsurance, Check: checkArgs[noArgs],
			Run: func(ctx context.Context, _ json.RawMessage, _ *queue.Run) (any, error) {
				run, err := svc.BillLateFees(ctx, period.FromTime(svc.NowTime()))
				run.Fees = nil // the lines are the billing's (GET /api/v1/late-fees?run=), not the job's
				return run, err
			}})
	}
	if svc := ws.Support; svc != nil {
		q.Register(queue.Kind{Name: web.JobSupportScan, Perm: access.RunSupport, Check: checkArgs[noArgs],
			Run: func(ctx context.Context, _ json.RawMessage, _ *queue.Run) (any, error) {
				return svc.Scan(ctx, support.ScanOptions{})
			}})
		q.Register(web.GrantPaymentKind(svc))
	}
	if svc := ws.Jobs; svc != nil {
		q.Register(queue.Kind{Name: JobEmploymentSync, Perm: access.RunSync, Check: checkArgs[noArgs],
			Run: func(ctx context.Context, _ json.RawMessage, _ *queue.Run) (any, error) { return svc.Sync(ctx) }})
	}
	return q
}

// The arguments of the kinds; check validates each.
type (
	noArgs  struct{}
	payArgs struct {
		Kind   string `json:"kind"` // pension or unemployment
		Period string `json:"period"`
	}
	recomputeArgs struct {
		AsOf string `json:"as_of,omitempty"` // the last month of payments counted; "" the current one
	}
)

func (noArgs) check() error { return nil }

func (a payArgs) check() error {
	if a.Kind != string(insurance.ClaimPension) && a.Kind != string(insurance.ClaimUnemployment) {
		return fault.Invalidf("kind", "pay.kind", "%q is not pension or unemployment", a.Kind)
	}
	return checkPeriod(a.Period)
}

func (a recomputeArgs) check() error {
	if a.AsOf == "" {
		return nil
	}
	return checkPeriod(a.AsOf)
}

func checkPeriod(s string) error {
	if _, err := period.ParseYearMonth(s); err != nil {
		return fault.Invalidf("period", "month.format", "%q is not a month YYYY-MM", s)
	}
	return nil
}

// checkArgs reads a job's arguments strictly (unknown fields refused)
// into T and checks them.
func checkArgs[T interface{ check() error }](raw json.RawMessage) error {
	var v T
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return fault.Invalidf("args", "queue.args", "the arguments do not fit this kind of job: %v", err)
	}
	return v.check()
}

// runQueue is `hrss queue`: the jobs of the queue (list, show) and
// enqueuing one (add) for a server's worker to run.
func runQueue(g *globals, args []string) error {
	sub := "list"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "list":
		return queueList(g, args)
	case "show":
		return queueShow(g, args)
	case "add":
		return queueAdd(g, args)
	}
	fmt.Fprintln(g.stderr, "Usage: hrss queue [list [--state S] [--kind K]] | show ID | add KIND [ARGS-JSON]")
	return errUsage
}

// withQueue opens the app and runs fn with the queue of its server, as
// System.
func withQueue(g *globals, fn func(ctx context.Context, q *queue.Queue) error) error {
	ctx := context.Background()
	a, err := openApp(ctx, g)
	if err != nil {
		return err
	}
	defer a.close()
	return fn(systemContext(ctx), newQueue(a.server(), a, nil))
}

func queueList(g *globals, args []string) error {
	fs := newFlags(g, "queue list", "queue list [--state queued|running|succeeded|failed] [--kind KIND] [--limit N]\n\nThe jobs of every server, newest first, with their progress.")
	state := fs.String("state", "", "only jobs in this state")
	kind := fs.String("kind", "", "only jobs of this kind")
	limit := fs.Int("limit", 50, "at most this many jobs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return withQueue(g, func(ctx context.Context, q *queue.Queue) error {
		f := queue.Filter{State: queue.State(*state), Limit: *limit}
		if *kind != "" {
			f.Kinds = []string{*kind}
		}
		js, err := q.Jobs(ctx, f)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tKIND\tSTATE\tTRY\tPROGRESS\tBY\tCREATED\tWORKER\tERROR")
		for _, j := range js {
			errText := ""
			if j.Error != nil {
				errText = j.Error.Rule + ": " + j.Error.Message
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d/%d\t%d/%d\t%s\t%s\t%s\t%s\n", j.ID, j.Kind, j.State, j.Attempts, j.MaxAttempts,
				j.Done, j.Total, j.CreatedBy, j.CreatedAt.Format(time.DateTime), j.Worker, errText)
		}
		return tw.Flush()
	})
}

func queueShow(g *globals, args []string) error {
	if len(args) != 1 {
		fmt.Fprintln(g.stderr, "Usage: hrss queue show ID")
		return errUsage
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return fault.Invalidf("id", "queue.id", "%q is not a job number", args[0])
	}
	return withQueue(g, func(ctx context.Context, q *queue.Queue) error {
		j, err := q.Job(ctx, id)
		if err != nil {
			return err
		}
		return printJSON(g, j)
	})
}

func queueAdd(g *globals, args []string) error {
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprintln(g.stderr, "Usage: hrss queue add KIND [ARGS-JSON]   e.g. hrss queue add assessment '{\"period\":\"2025-01\"}'")
		return errUsage
	}
	var raw json.RawMessage
	if len(args) == 2 {
		raw = json.RawMessage(args[1])
	}
	return withQueue(g, func(ctx context.Context, q *queue.Queue) error {
		j, err := q.Enqueue(ctx, args[0], raw)
		if err != nil {
			return err
		}
		fmt.Fprintf(g.stdout, "job %d (%s) queued; a server's worker runs it (hrss queue show %d)\n", j.ID, j.Kind, j.ID)
		return nil
	})
}
