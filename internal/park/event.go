package park

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Event types reported by lane cameras.
const (
	EventEntry = "entry"
	EventExit  = "exit"
)

// Gate decisions.
const (
	DecisionOpen = "open"
	DecisionHold = "hold"
)

// Decision reasons: why the barrier opened or stayed closed.
const (
	ReasonVisitor         = "visitor"          // entry of a paying car
	ReasonPass            = "pass"             // covered by a monthly pass
	ReasonWhitelist       = "whitelist"        // on the lot's whitelist
	ReasonLotFull         = "lot_full"         // no space for visitors
	ReasonRefused         = "refused"          // plate is on the deny list
	ReasonFree            = "free"             // nothing due (grace period or free tariff)
	ReasonPaid            = "paid"             // paid, leaving within the exit grace
	ReasonPaymentRequired = "payment_required" // an amount is due
	ReasonLocked          = "locked"           // exit of a locked car
	ReasonMissedEntry     = "missed_entry"     // exit with no stay inside
)

// Event is one camera read at a lane. ID comes from the camera and makes
// delivery idempotent: the same ID always yields the first decision.
type Event struct {
	ID           string    `json:"id"`
	LotCode      string    `json:"lot_code"`
	Type         string    `json:"type"`
	Plate        string    `json:"plate"`
	Lane         string    `json:"lane"`
	At           time.Time `json:"at"`
	ImageURL     string    `json:"image_url,omitempty"`
	PlateColor   string    `json:"plate_color,omitempty"`
	VehicleClass string    `json:"vehicle_class,omitempty"`
	Decision     Decision  `json:"decision"`
	ReceivedAt   time.Time `json:"received_at"`
}

// Decision is what the lane is told to do.
type Decision struct {
	Decision  string `json:"decision"`
	Reason    string `json:"reason"`
	StayID    string `json:"stay_id,omitempty"`
	Locator   string `json:"locator,omitempty"`
	Plate     string `json:"plate,omitempty"`
	AmountDue int64  `json:"amount_due"`
	Currency  string `json:"currency"`
	// Repeat says the event was decided before (the same id again): this
	// is its first decision, already carried out; never stored.
	Repeat bool `json:"-"`
}

// Anomaly kinds recorded for an operator to review.
const (
	AnomalyReentry     = "reentry"      // a plate entered while a stay of it was open
	AnomalyMissedEntry = "missed_entry" // a plate left with no stay inside
	// An offline record came after a later passage of its car was
	// recorded, and was put with the visit it belongs to (gate/late.go).
	AnomalyLateRecord = "late_record"
	// A device's record of a passage that happened was dated at a time
	// no event may have (its clock reset or wrong): it was recorded at the
	// time it was received instead (gate.EventInput.Passed).
	AnomalyDeviceClock = "device_clock"
	// A device's record of a passage that happened, which the rules
	// refused for good (its plate is not one): kept here so the device may
	// let go of it and an operator still sees it (gate.KeepRefused).
	AnomalyRefusedRecord = "refused_record"
	// A device's record of a passage that happened while parkd could not
	// be reached, of a car whose plate it did not read: no stay can be
	// made or closed for it, so it is kept for an operator
	// (gate.KeepPlateless).
	AnomalyPlatelessRecord = "plateless_record"
	// A partner's sensorless payment came after the lane stopped waiting
	// and could not settle the stay (paid another way, or gone): the
	// partner should refund its driver.
	AnomalySensorlessLate = "sensorless_late"
	// A charger's meter register rose faster than any connector delivers
	// (charging.PlausibleW): the reading is kept but not billed.
	AnomalyMeterGlitch = "meter_glitch"
	// A connected charger left charging.MaxUnansweredStops of parkd's
	// stops of a session unanswered in a row: no more are asked at its
	// signs of life, and the operator must stop the session.
	AnomalyStopUnanswered = "stop_unanswered"
	// An operator or partner removed a stay from the cars inside (the car
	// is gone but no exit was read): it closes the stay, and the anomaly
	// records who asked and why.
	AnomalyRemoved = "removed"
)

// AnomalyKinds are every kind of anomaly parkd records.
func AnomalyKinds() []string {
	return []string{AnomalyReentry, AnomalyMissedEntry, AnomalyLateRecord, AnomalyDeviceClock, AnomalyRefusedRecord,
		AnomalyPlatelessRecord, AnomalySensorlessLate, AnomalyHeldOpen, AnomalyOffline, AnomalyLetOut, AnomalyMeterGlitch,
		AnomalyStopUnanswered, AnomalyRemoved}
}

// Anomaly is something at a lane that the rules could not square.
type Anomaly struct {
	ID      string    `json:"id"`
	LotCode string    `json:"lot_code"`
	Kind    string    `json:"kind"`
	Plate   string    `json:"plate"`
	StayID  string    `json:"stay_id,omitempty"`
	EventID string    `json:"event_id"`
	At      time.Time `json:"at"`
	Detail  string    `json:"detail"`
	// ImageURL is where the picture of the car is served, when its device
	// sent one: a plate-less record is found by it alone.
	ImageURL string `json:"image_url,omitempty"`
}

// AnomalyFilter selects a page of a lot's anomalies, newest first.
type AnomalyFilter struct {
	LotCode string
	// BeforeAt and BeforeID, when BeforeID is set, are the time and id of
	// the last anomaly of the previous page: keyset pagination, so
	// anomalies recorded since do not shift the pages still to read.
	BeforeAt time.Time
	BeforeID string
	Limit    int
}

// PlateAnomalyFilter selects a lot's anomalies of one plate text and
// kind dated after After, oldest first.
type PlateAnomalyFilter struct {
	LotCode, Plate, Kind string
	After                time.Time
	Limit                int
}

// MaxEventSkew is how far in the future a device's report may be dated:
// device clocks drift, but an event from next week is a bug or an attack.
const MaxEventSkew = 5 * time.Minute

// MaxLiveEventAge is how long before parkd's clock a live read (not an
// offline record) may be dated. A live read is the car at the lane now; a
// lane cut off from parkd stores its reads and sends them later as
// offline records, so a live read dated a day or more back comes from a
// lane whose clock is wrong (reset to 2000, a day behind), and dated as
// sent it would open a stay priced for decades.
const MaxLiveEventAge = 24 * time.Hour

// earliestEvent is the oldest report time accepted.
var earliestEvent = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Years bound every date a request gives (a pass's or list entry's window,
// a coupon's, a booking's, a rental's), read as written: in its own offset,
// or in the lot's zone for an API that writes wall times. Earlier years
// are typos (year 1 is the zero time of many clients); later ones leave
// room for what parkd adds to a date (a renewal's months) without leaving
// the four-digit years every API writes.
const (
	MinYear = 2000
	MaxYear = 9000
)

// CheckYear refuses a date whose year, as written, is outside MinYear to
// MaxYear; every transport checks the times it reads with it.
func CheckYear(field string, t time.Time) error {
	if y := t.Year(); y < MinYear || y > MaxYear {
		return Invalid(field, "year must be between %d and %d", MinYear, MaxYear).
			Because(ReasonRange, strconv.Itoa(MinYear), strconv.Itoa(MaxYear))
	}
	return nil
}

// CheckReportTime checks the time a device (a camera, a sensor) dated a
// report, against now; field names it in the error.
func CheckReportTime(field string, at, now time.Time) error {
	switch {
	case at.IsZero():
		return Invalid(field, "is required (RFC 3339)").Because(ReasonRequired)
	case at.After(now.Add(MaxEventSkew)):
		return Invalid(field, "is %s ahead of parkd's clock, more than the %d minutes a device's clock may drift; check the device's clock",
			aheadText(at.Sub(now)), int(MaxEventSkew/time.Minute)).Because(ReasonRange)
	case at.Before(earliestEvent):
		return Invalid(field, "is before 2000-01-01").Because(ReasonRange)
	}
	return nil
}

// aheadText says how far ahead a time is as a reader takes it in: days
// past two of them (a clock years off reads "26663 days", not
// "639902h27m12s"), hours and minutes past one hour, else to the second.
func aheadText(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= time.Hour:
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	}
	return d.Round(time.Second).String()
}
