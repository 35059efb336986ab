package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ocppBuckets have a bound at 20 ms, the answer time the charging issue
// asks for at the 99th percentile: the share within it is exact.
var ocppBuckets = []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 10}

func newOCPPMetrics(r *prometheus.Registry) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "parkd_ocpp_call_duration_seconds",
		Help:    "Time from reading a charger's CALL to having its answer ready to send, by OCPP action.",
		Buckets: ocppBuckets,
	}, []string{"action"})
	r.MustRegister(h)
	return h
}

// OCPPCall observes how long parkd took to answer one CALL of a charger.
// action is one the charger may send, or "other", so a charger cannot
// grow the label set.
func (m *Metrics) OCPPCall(action string, d time.Duration) {
	m.ocpp.WithLabelValues(action).Observe(d.Seconds())
}
