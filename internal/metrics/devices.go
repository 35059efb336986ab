package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"parkd/internal/park"
)

// deviceMetrics are the lane devices' collectors.
type deviceMetrics struct {
	reads  *prometheus.CounterVec
	online *prometheus.GaugeVec
	unack  *prometheus.CounterVec
}

func newDeviceMetrics(r *prometheus.Registry) deviceMetrics {
	d := deviceMetrics{
		reads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parkd_device_reads_total",
			Help: "Plate reads from lane devices, by protocol and outcome (open, hold, late, refused, error).",
		}, []string{"protocol", "outcome"}),
		online: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "parkd_device_online", Help: "1 while a registered lane device is online (heard from in the last 60 s), else 0.",
		}, []string{"lot", "lane", "serial"}),
		unack: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "parkd_device_unacknowledged_total",
			Help: "Barrier commands after a plate read that the lane device did not acknowledge, by lot, lane and serial.",
		}, []string{"lot", "lane", "serial"}),
	}
	r.MustRegister(d.reads, d.online, d.unack)
	return d
}

// DeviceRead counts a plate read and what came of it.
func (m *Metrics) DeviceRead(protocol, outcome string) {
	m.devices.reads.WithLabelValues(protocol, outcome).Inc()
}

// DeviceOnline sets whether a device is online.
func (m *Metrics) DeviceOnline(d *park.Device, online bool) {
	v := 0.0
	if online {
		v = 1
	}
	m.devices.online.WithLabelValues(d.LotCode, d.Lane, d.Serial).Set(v)
}

// DeviceUnacknowledged counts a barrier command after a read that the
// device did not acknowledge.
func (m *Metrics) DeviceUnacknowledged(d *park.Device) {
	m.devices.unack.WithLabelValues(d.LotCode, d.Lane, d.Serial).Inc()
}
