// Package metrics holds parkd's Prometheus collectors on a registry of its
// own (no global state), shared by the HTTP layer and the core.
package metrics

import (
	"parkd/internal/park"
	"sync"
	"time"

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
	// Deliveries of reports to partners.
	Attempts *prometheus.CounterVec
	Queue    *prometheus.GaugeVec
	Oldest   prometheus.Gauge
	Pruned   *prometheus.CounterVec   // deliveries and reports the retention deleted
	devices  deviceMetrics            // devices.go
	ocpp     *prometheus.HistogramVec // ocpp.go

	methodsMu sync.Mutex
	methods   map[string]bool // the payment methods that have a series of their own
}

// MaxPaymentMethods is how many payment methods parkd_payments_total
// names; a method first seen after them is counted as "other". A method
// is the payer's own text (a partner's PayType, up to 32 characters), so
// without a bound a partner sending a new one with every payment would
// add a series each.
const MaxPaymentMethods = 32

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
	m.Attempts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parkd_delivery_attempts_total", Help: "Attempts to deliver a report, by partner, report kind and result (ok, failed).",
	}, []string{"partner", "report", "result"})
	m.Queue = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "parkd_deliveries", Help: "Deliveries not yet delivered, by state (pending, sending, failed, dead).",
	}, []string{"state"})
	m.Oldest = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "parkd_delivery_oldest_pending_seconds", Help: "Age of the oldest delivery waiting to be delivered (pending, sending or failed).",
	})
	m.Pruned = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "parkd_delivery_pruned_total", Help: "Finished deliveries and reports deleted by the retention (--delivery-retention), by what (delivery, report).",
	}, []string{"what"})
	m.Registry.MustRegister(m.Requests, m.Latency, m.Decisions, m.Payments, m.Amount, m.Attempts, m.Queue, m.Oldest, m.Pruned,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.devices = newDeviceMetrics(m.Registry)
	m.ocpp = newOCPPMetrics(m.Registry)
	return m
}

// GateDecision counts one gate decision.
func (m *Metrics) GateDecision(eventType, decision, reason string) {
	m.Decisions.WithLabelValues(eventType, decision, reason).Inc()
}

// Payment counts one accepted payment and its amount.
func (m *Metrics) Payment(currency, method string, amount int64) {
	m.methodsMu.Lock()
	if !m.methods[method] {
		if m.methods == nil {
			m.methods = map[string]bool{}
		}
		if len(m.methods) < MaxPaymentMethods {
			m.methods[method] = true
		} else {
			method = "other"
		}
	}
	m.methodsMu.Unlock()
	m.Payments.WithLabelValues(currency, method).Inc()
	m.Amount.WithLabelValues(currency).Add(float64(amount))
}

// DeliveryAttempt counts one attempt to deliver a report.
func (m *Metrics) DeliveryAttempt(partner, report string, ok bool) {
	result := "failed"
	if ok {
		result = "ok"
	}
	m.Attempts.WithLabelValues(partner, report, result).Inc()
}

// DeliveriesPruned counts what one batch of the retention deleted.
func (m *Metrics) DeliveriesPruned(deliveries, reports int) {
	m.Pruned.WithLabelValues("delivery").Add(float64(deliveries))
	m.Pruned.WithLabelValues("report").Add(float64(reports))
}

// DeliveryQueue sets the queue's depth per state and the age of its
// oldest delivery still to be delivered.
func (m *Metrics) DeliveryQueue(counts []park.DeliveryCount, now time.Time) {
	var oldest time.Time
	for _, st := range []string{park.DeliveryPending, park.DeliverySending, park.DeliveryFailed, park.DeliveryDead} {
		m.Queue.WithLabelValues(st).Set(0)
	}
	for _, c := range counts {
		m.Queue.WithLabelValues(c.State).Set(float64(c.Count))
		if c.State != park.DeliveryDead && c.Count > 0 && (oldest.IsZero() || c.Oldest.Before(oldest)) {
			oldest = c.Oldest
		}
	}
	if oldest.IsZero() {
		m.Oldest.Set(0)
	} else {
		m.Oldest.Set(now.Sub(oldest).Seconds())
	}
}

// WatchMQTT exports whether the lane devices' broker is connected, as
// connected says at each scrape: parkd_mqtt_connected, 1 or 0 (absent
// without a broker).
func (m *Metrics) WatchMQTT(connected func() (bool, string)) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "parkd_mqtt_connected", Help: "1 while the MQTT broker of the lane devices (--mqtt) is connected, else 0.",
	}, func() float64 {
		if ok, _ := connected(); ok {
			return 1
		}
		return 0
	}))
}
