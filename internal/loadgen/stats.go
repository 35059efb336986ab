package loadgen

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Kind is one kind of request of the gate flow.
type Kind int

// The requests of one car's visit, in order.
const (
	KindEntry    Kind = iota // entry event: the barrier opens
	KindExitHold             // exit event: held with an amount due
	KindQuote                // POST /v1/stays/{id}/quotes
	KindPayment              // POST /v1/payments
	KindExitOpen             // exit event again: opens, paid
	numKinds
)

var kindNames = [numKinds]string{"entry", "exit_hold", "quote", "payment", "exit_open"}

func (k Kind) String() string { return kindNames[k] }

// isEvent reports whether a request of this kind is a gate event.
func (k Kind) isEvent() bool { return k == KindEntry || k == KindExitHold || k == KindExitOpen }

// recorder collects one worker's samples; workers never share one, so the
// hot path takes no lock.
type recorder struct {
	lat    [numKinds][]time.Duration
	errors [numKinds]int64
}

func (r *recorder) observe(k Kind, d time.Duration, err error) {
	if err != nil {
		r.errors[k]++
		return
	}
	r.lat[k] = append(r.lat[k], d)
}

// Latency summarises the successful requests of one kind.
type Latency struct {
	Count  int64
	Errors int64
	P50    time.Duration
	P90    time.Duration
	P99    time.Duration
	Max    time.Duration
}

func summarise(samples []time.Duration, errors int64) Latency {
	l := Latency{Count: int64(len(samples)), Errors: errors}
	if len(samples) == 0 {
		return l
	}
	slices.Sort(samples)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(samples))+0.5) - 1
		return samples[min(max(i, 0), len(samples)-1)]
	}
	l.P50, l.P90, l.P99, l.Max = at(0.50), at(0.90), at(0.99), samples[len(samples)-1]
	return l
}

// Result is what one run measured.
type Result struct {
	Lot         string
	Concurrency int
	Elapsed     time.Duration
	Requests    int64 // answered with the expected 2xx, all kinds
	Errors      int64 // failed or unexpected answers, all kinds
	GateEvents  int64 // answered entry and exit events
	Kinds       [numKinds]Latency
	Events      Latency // entry and exit events together
	All         Latency // every request
	// The flow, car by car: visits started, exits held, held visits paid,
	// paid visits let out.
	Visits, Held, Paid, Opened int64
	ErrorSamples               []string // the first few errors, for a human
	// ServerEvents is parkd's own answer times of the run's gate events,
	// from its /metrics (ServerErr says why when they could not be read).
	ServerEvents Buckets
	ServerErr    error
}

// eventBound is the answer time the gate's bar puts the 99th percentile
// under; parkd's HTTP histogram has a bucket ending there.
const eventBound = 25 * time.Millisecond

// EventsPerSecond is the rate of answered gate events (entries and exits).
func (r *Result) EventsPerSecond() float64 { return perSecond(r.GateEvents, r.Elapsed) }

// RequestsPerSecond is the rate of every answered request.
func (r *Result) RequestsPerSecond() float64 { return perSecond(r.Requests, r.Elapsed) }

func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func merge(recs []*recorder, elapsed time.Duration) *Result {
	res := &Result{Elapsed: elapsed}
	var events, all []time.Duration
	var evErrs, allErrs int64
	for k := range numKinds {
		var samples []time.Duration
		var errs int64
		for _, r := range recs {
			samples = append(samples, r.lat[k]...)
			errs += r.errors[k]
		}
		if k.isEvent() {
			events = append(events, samples...)
			evErrs += errs
		}
		all = append(all, samples...)
		allErrs += errs
		res.Kinds[k] = summarise(samples, errs)
	}
	res.Events = summarise(events, evErrs)
	res.All = summarise(all, allErrs)
	res.Requests, res.Errors, res.GateEvents = res.All.Count, allErrs, res.Events.Count
	return res
}

// Print writes the report a person reads after a run.
func (r *Result) Print(w io.Writer) {
	fmt.Fprintf(w, "lot %s, %d workers, %s\n", r.Lot, r.Concurrency, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "requests     %9d  %9.0f req/s\n", r.Requests, r.RequestsPerSecond())
	fmt.Fprintf(w, "gate events  %9d  %9.0f events/s (entry + exit)\n", r.GateEvents, r.EventsPerSecond())
	fmt.Fprintf(w, "visits       %9d  held %d, paid %d, opened %d\n", r.Visits, r.Held, r.Paid, r.Opened)
	fmt.Fprintf(w, "errors       %9d\n", r.Errors)
	fmt.Fprintf(w, "\n%-12s %9s %7s %9s %9s %9s %9s\n", "kind", "count", "errors", "p50", "p90", "p99", "max")
	row := func(name string, l Latency) {
		fmt.Fprintf(w, "%-12s %9d %7d %9s %9s %9s %9s\n", name, l.Count, l.Errors, ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max))
	}
	for k := range numKinds {
		row(k.String(), r.Kinds[k])
	}
	row("gate events", r.Events)
	row("all", r.All)
	printAtParkd(w, r.ServerErr, eventBound, atParkd{"gate events", r.ServerEvents})
	if len(r.ErrorSamples) > 0 {
		fmt.Fprintf(w, "\nfirst errors:\n  %s\n", strings.Join(r.ErrorSamples, "\n  "))
	}
}

// PrefillResult is what filling the lot measured.
type PrefillResult struct {
	Cars    int64 // entries answered "open"
	Errors  int64
	Elapsed time.Duration
	Latency Latency
	// ErrorSamples are the first few errors, for a human.
	ErrorSamples []string
}

// Print writes the prefill summary.
func (p *PrefillResult) Print(w io.Writer) {
	fmt.Fprintf(w, "prefill      %9d cars in %s (%.0f entries/s, p50 %s, p99 %s, max %s), %d errors\n",
		p.Cars, p.Elapsed.Round(time.Millisecond), perSecond(p.Cars, p.Elapsed),
		ms(p.Latency.P50), ms(p.Latency.P99), ms(p.Latency.Max), p.Errors)
	if len(p.ErrorSamples) > 0 {
		fmt.Fprintf(w, "first errors:\n  %s\n", strings.Join(p.ErrorSamples, "\n  "))
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
