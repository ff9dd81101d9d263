package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// api sends requests to one server (hrss, or the floor).
type api struct {
	base string
	hc   *http.Client
}

func newAPI(base string, conns int) *api {
	tr := &http.Transport{MaxIdleConns: conns + 10, MaxIdleConnsPerHost: conns + 10, IdleConnTimeout: time.Minute}
	return &api{base: base, hc: &http.Client{Transport: tr, Timeout: 15 * time.Minute}}
}

// request is one request, with what to do with a 2xx answer's body.
type request struct {
	kind         string
	method, path string
	token, ctype string
	body         []byte
	done         func(body []byte) error // on 2xx; nil: nothing
}

// do sends req and returns the answer: status, content type, whole body.
func (a *api) do(ctx context.Context, req request) (sample, error) {
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, a.base+req.path, body)
	if err != nil {
		return sample{}, err
	}
	if req.token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.token)
	}
	if req.ctype != "" {
		hr.Header.Set("Content-Type", req.ctype)
	}
	resp, err := a.hc.Do(hr)
	if err != nil {
		return sample{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return sample{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: data}, err
}

// json sends in (nil: no body) as JSON and decodes a 2xx answer into out
// (nil: ignored); any other status is an error quoting the answer.
func (a *api) json(ctx context.Context, method, path, token string, in, out any) error {
	req := request{method: method, path: path, token: token}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		req.body, req.ctype = b, "application/json"
	}
	ans, err := a.do(ctx, req)
	if err != nil {
		return fmt.Errorf("%s %s: %v", method, path, err)
	}
	status, data := ans.status, ans.body
	if status < 200 || status > 299 {
		return fmt.Errorf("%s %s: %d %s", method, path, status, clip(data))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: %v", method, path, err)
	}
	return nil
}

// clip shortens an answer for an error message.
func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}
