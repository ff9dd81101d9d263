package web

import (
	"bytes"
	"context"
	"encoding/json"

	"hrss/access"
	"hrss/queue"
	"hrss/rules/fault"
	"hrss/support"
)

// GrantPaymentKind is the queue's kind of the support grants' payment
// run over svc (no arguments). The run is keyed by its job
// ("queue_jobs/ID"): a later attempt, after a worker died once the run
// had committed, reports that run and pays no one again; after a worker
// died before, it makes the run. Either way each grant is paid once
// (support.Pay), so the kind is retried like the monthly run.
func GrantPaymentKind(svc *support.Service) queue.Kind {
	return queue.Kind{Name: JobGrantPayment, Perm: access.RunSupport, Check: noJobArgs,
		Run: func(ctx context.Context, _ json.RawMessage, r *queue.Run) (any, error) {
			return svc.Pay(ctx, r.Key())
		}}
}

// decodeJobArgs reads a job's arguments strictly (unknown fields
// refused) into v.
func decodeJobArgs(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fault.Invalidf("args", "queue.args", "the arguments do not fit this kind of job: %v", err)
	}
	return nil
}

// noJobArgs checks the arguments of a kind that takes none ({}).
func noJobArgs(raw json.RawMessage) error { return decodeJobArgs(raw, &struct{}{}) }
