// Package metrics holds parkd's Prometheus collectors on a registry of its
// own (no global state), shared by the HTTP layer and the core.
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics is the set of collectors one parkd process exports.
type Metrics struct {
	Registry  *prometheus.Registry
	Requests  *prometheus.CounterVec
	Latency   *prometheus.HistogramVec
	Decisions *prometheus.CounterVec
	Payments  *prometheus.CounterVec
	Amount    *prometheus.CounterVec
}

// New registers parkd's collectors plus the Go and process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parkd_http_requests_total", Help: "HTTP requests by route pattern and status code.",
		}, []string{"route", "code"}),
		Latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "parkd_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route"}),
		Decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parkd_gate_decisions_total", Help: "Gate decisions by event type, decision and reason.",
		}, []string{"type", "decision", "reason"}),
		Payments: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parkd_payments_total", Help: "Payments accepted, by currency and method.",
		}, []string{"currency", "method"}),
		Amount: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parkd_payments_amount_minor_total", Help: "Sum of accepted payments in minor units, by currency.",
		}, []string{"currency"}),
	}
	m.Registry.MustRegister(m.Requests, m.Latency, m.Decisions, m.Payments, m.Amount,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// GateDecision counts one gate decision.
func (m *Metrics) GateDecision(eventType, decision, reason string) {
	m.Decisions.WithLabelValues(eventType, decision, reason).Inc()
}

// Payment counts one accepted payment and its amount.
func (m *Metrics) Payment(currency, method string, amount int64) {
	m.Payments.WithLabelValues(currency, method).Inc()
	m.Amount.WithLabelValues(currency).Add(float64(amount))
}
