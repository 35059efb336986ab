package ocpp

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"parkd/internal/charging"
)

// The OCPP 1.6 messages parkd handles, with the spec's required fields
// (pointers, so that a missing one is told from a zero) and bounds.

func ciString(field string, v *string, max int, required bool) *FrameError {
	switch {
	case v == nil && required:
		return missing(field)
	case v != nil && len(*v) > max:
		return badValue("%s is longer than %d characters", field, max)
	}
	return nil
}

func first(errs ...*FrameError) *FrameError {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

type bootReq struct {
	ChargePointVendor       *string `json:"chargePointVendor"`
	ChargePointModel        *string `json:"chargePointModel"`
	ChargePointSerialNumber *string `json:"chargePointSerialNumber"`
	ChargeBoxSerialNumber   *string `json:"chargeBoxSerialNumber"`
	FirmwareVersion         *string `json:"firmwareVersion"`
	Iccid                   *string `json:"iccid"`
	Imsi                    *string `json:"imsi"`
	MeterType               *string `json:"meterType"`
	MeterSerialNumber       *string `json:"meterSerialNumber"`
}

func (r *bootReq) check() *FrameError {
	return first(ciString("chargePointVendor", r.ChargePointVendor, 20, true), ciString("chargePointModel", r.ChargePointModel, 20, true),
		ciString("chargePointSerialNumber", r.ChargePointSerialNumber, 25, false), ciString("chargeBoxSerialNumber", r.ChargeBoxSerialNumber, 25, false),
		ciString("firmwareVersion", r.FirmwareVersion, 50, false), ciString("iccid", r.Iccid, 20, false), ciString("imsi", r.Imsi, 20, false),
		ciString("meterType", r.MeterType, 25, false), ciString("meterSerialNumber", r.MeterSerialNumber, 25, false))
}

type bootConf struct {
	Status      string `json:"status"`
	CurrentTime string `json:"currentTime"`
	Interval    int    `json:"interval"`
}

type empty struct{}

func (*empty) check() *FrameError { return nil }

type heartbeatConf struct {
	CurrentTime string `json:"currentTime"`
}

var (
	errorCodes = []string{"ConnectorLockFailure", "EVCommunicationError", "GroundFailure", "HighTemperature", "InternalError",
		"LocalListConflict", "NoError", "OtherError", "OverCurrentFailure", "PowerMeterFailure", "PowerSwitchFailure",
		"ReaderFailure", "ResetFailure", "UnderVoltage", "OverVoltage", "WeakSignal"}
	chargerStatuses = []string{"Available", "Unavailable", "Faulted"}
	statuses        = []string{"Available", "Preparing", "Charging", "SuspendedEVSE", "SuspendedEV", "Finishing", "Reserved",
		"Unavailable", "Faulted"}
	stopReasons = []string{"EmergencyStop", "EVDisconnected", "HardReset", "Local", "Other", "PowerLoss", "Reboot", "Remote",
		"SoftReset", "UnlockCommand", "DeAuthorized"}

	// A SampledValue's enums (OCPP 1.6 MeterValues schema). Units take
	// the specification's misspelt Celcius beside the schema's Celsius.
	sampleContexts = []string{"Interruption.Begin", "Interruption.End", "Sample.Clock", "Sample.Periodic",
		"Transaction.Begin", "Transaction.End", "Trigger", "Other"}
	sampleFormats    = []string{"Raw", "SignedData"}
	sampleMeasurands = []string{"Energy.Active.Export.Register", "Energy.Active.Import.Register",
		"Energy.Reactive.Export.Register", "Energy.Reactive.Import.Register", "Energy.Active.Export.Interval",
		"Energy.Active.Import.Interval", "Energy.Reactive.Export.Interval", "Energy.Reactive.Import.Interval",
		"Power.Active.Export", "Power.Active.Import", "Power.Offered", "Power.Reactive.Export", "Power.Reactive.Import",
		"Power.Factor", "Current.Import", "Current.Export", "Current.Offered", "Voltage", "Frequency", "Temperature",
		"SoC", "RPM"}
	samplePhases    = []string{"L1", "L2", "L3", "N", "L1-N", "L2-N", "L3-N", "L1-L2", "L2-L3", "L3-L1"}
	sampleLocations = []string{"Cable", "EV", "Inlet", "Outlet", "Body"}
	sampleUnits     = []string{"Wh", "kWh", "varh", "kvarh", "W", "kW", "VA", "kVA", "var", "kvar", "A", "V",
		"Celsius", "Celcius", "Fahrenheit", "K", "Percent"}
	// billedUnits are the units parkd reads the measurands it bills with
	// in: another would be read as the base unit and billed wrongly.
	billedUnits = map[string][]string{
		"Energy.Active.Import.Register": {"Wh", "kWh"},
		"Power.Active.Import":           {"W", "kW"},
	}
)

// toBase is v in the base unit (Wh, W) given its unit (nil: the base).
func toBase(v float64, unit *string, kilo string) float64 {
	if unit != nil && strings.EqualFold(*unit, kilo) {
		return v * 1000
	}
	return v
}

// unitField checks a unit as enumField does, regardless of case: chargers
// that send "kwh" were always read as meaning kWh.
func unitField(field string, v *string, allowed []string) *FrameError {
	if v != nil && !slices.ContainsFunc(allowed, func(u string) bool { return strings.EqualFold(u, *v) }) {
		return badValue("%s %q is not one of %s", field, *v, strings.Join(allowed, ", "))
	}
	return nil
}

// enumField checks an optional enum field.
func enumField(field string, v *string, allowed []string) *FrameError {
	if v != nil && !slices.Contains(allowed, *v) {
		return badValue("%s %q is not one of %s", field, *v, strings.Join(allowed, ", "))
	}
	return nil
}

type statusReq struct {
	ConnectorID     *int    `json:"connectorId"`
	ErrorCode       *string `json:"errorCode"`
	Info            *string `json:"info"`
	Status          *string `json:"status"`
	Timestamp       *string `json:"timestamp"`
	VendorID        *string `json:"vendorId"`
	VendorErrorCode *string `json:"vendorErrorCode"`
}

func (r *statusReq) check() *FrameError {
	switch {
	case r.ConnectorID == nil:
		return missing("connectorId")
	case *r.ConnectorID < 0:
		return badValue("connectorId must be 0 or more")
	case r.ErrorCode == nil:
		return missing("errorCode")
	case !slices.Contains(errorCodes, *r.ErrorCode):
		return badValue("errorCode %q is not a ChargePointErrorCode", *r.ErrorCode)
	case r.Status == nil:
		return missing("status")
	case !slices.Contains(statuses, *r.Status):
		return badValue("status %q is not a ChargePointStatus", *r.Status)
	case *r.ConnectorID == 0 && !slices.Contains(chargerStatuses, *r.Status):
		// OCPP 1.6, 4.9: the charge point as a whole is only these.
		return badValue("status %q is not one of the charge point's (connectorId 0): Available, Unavailable or Faulted", *r.Status)
	}
	return first(ciString("info", r.Info, 50, false), ciString("vendorId", r.VendorID, 255, false),
		ciString("vendorErrorCode", r.VendorErrorCode, 50, false), timeField("timestamp", r.Timestamp, false))
}

func timeField(field string, v *string, required bool) *FrameError {
	if v == nil {
		if required {
			return missing(field)
		}
		return nil
	}
	if _, err := time.Parse(time.RFC3339Nano, *v); err != nil {
		return badValue("%s must be an RFC 3339 time, not %q", field, *v)
	}
	return nil
}

func parseTime(v *string) time.Time {
	if v == nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, *v)
	return t.UTC()
}

type authorizeReq struct {
	IDTag *string `json:"idTag"`
}

func (r *authorizeReq) check() *FrameError { return ciString("idTag", r.IDTag, 20, true) }

type idTagInfo struct {
	ExpiryDate string `json:"expiryDate,omitempty"` // RFC 3339, UTC
	Status     string `json:"status"`               // Accepted, Blocked, Expired, Invalid, ConcurrentTx
}

type authorizeConf struct {
	IDTagInfo idTagInfo `json:"idTagInfo"`
}

type startReq struct {
	ConnectorID   *int    `json:"connectorId"`
	IDTag         *string `json:"idTag"`
	MeterStart    *int64  `json:"meterStart"`
	ReservationID *int    `json:"reservationId"`
	Timestamp     *string `json:"timestamp"`
}

func (r *startReq) check() *FrameError {
	switch {
	case r.ConnectorID == nil:
		return missing("connectorId")
	case *r.ConnectorID < 1:
		return badValue("connectorId must be 1 or more")
	case r.MeterStart == nil:
		return missing("meterStart")
	case *r.MeterStart < 0 || *r.MeterStart > charging.MaxRegisterWh:
		return badValue("meterStart must be between 0 and %d Wh, not %d", int64(charging.MaxRegisterWh), *r.MeterStart)
	}
	return first(ciString("idTag", r.IDTag, 20, true), timeField("timestamp", r.Timestamp, true))
}

type startConf struct {
	IDTagInfo     idTagInfo `json:"idTagInfo"`
	TransactionID int64     `json:"transactionId"`
}

type sampledValue struct {
	Value     *string `json:"value"`
	Context   *string `json:"context"`
	Format    *string `json:"format"`
	Measurand *string `json:"measurand"`
	Phase     *string `json:"phase"`
	Location  *string `json:"location"`
	Unit      *string `json:"unit"`
}

type meterValue struct {
	Timestamp    *string        `json:"timestamp"`
	SampledValue []sampledValue `json:"sampledValue"`
}

// maxMeterValues bounds the meter values of one message (a
// StopTransaction's transactionData of a long offline session included).
const maxMeterValues = 2000

func checkMeterValues(field string, mvs []meterValue) *FrameError {
	if len(mvs) > maxMeterValues {
		return badValue("%s has more than %d meter values", field, maxMeterValues)
	}
	for i := range mvs {
		mv := &mvs[i]
		if err := timeField(field+".timestamp", mv.Timestamp, true); err != nil {
			return err
		}
		if mv.SampledValue == nil {
			return missing(field + ".sampledValue")
		}
		for _, sv := range mv.SampledValue {
			if sv.Value == nil {
				return missing(field + ".sampledValue.value")
			}
			f := field + ".sampledValue."
			if err := first(enumField(f+"context", sv.Context, sampleContexts), enumField(f+"format", sv.Format, sampleFormats),
				enumField(f+"measurand", sv.Measurand, sampleMeasurands), enumField(f+"phase", sv.Phase, samplePhases),
				enumField(f+"location", sv.Location, sampleLocations), unitField(f+"unit", sv.Unit, sampleUnits)); err != nil {
				return err
			}
			if sv.Format != nil && *sv.Format == "SignedData" {
				continue
			}
			v, err := parseDecimal(*sv.Value)
			if err != nil {
				return badValue("%s.sampledValue.value %q is not a number", field, *sv.Value)
			}
			measurand := "Energy.Active.Import.Register" // the default
			if sv.Measurand != nil {
				measurand = *sv.Measurand
			}
			units, billed := billedUnits[measurand]
			switch {
			case billed && sv.Unit != nil && !slices.ContainsFunc(units, func(u string) bool { return strings.EqualFold(u, *sv.Unit) }):
				return badValue("%sunit of %s must be %s, not %q", f, measurand, strings.Join(units, " or "), *sv.Unit)
			case measurand == "Energy.Active.Import.Register" && (v < 0 || toBase(v, sv.Unit, "kWh") > charging.MaxRegisterWh):
				return badValue("%svalue of %s must be between 0 and %d Wh, not %s", f, measurand, int64(charging.MaxRegisterWh), *sv.Value)
			case measurand == "Power.Active.Import" && toBase(v, sv.Unit, "kW") > charging.MaxPowerW:
				return badValue("%svalue of %s must be at most %d W, not %s", f, measurand, int64(charging.MaxPowerW), *sv.Value)
			}
		}
	}
	return nil
}

type meterValuesReq struct {
	ConnectorID   *int         `json:"connectorId"`
	TransactionID *int64       `json:"transactionId"`
	MeterValue    []meterValue `json:"meterValue"`
}

func (r *meterValuesReq) check() *FrameError {
	switch {
	case r.ConnectorID == nil:
		return missing("connectorId")
	case *r.ConnectorID < 0:
		return badValue("connectorId must be 0 or more")
	case r.MeterValue == nil:
		return missing("meterValue")
	}
	return checkMeterValues("meterValue", r.MeterValue)
}

type stopReq struct {
	IDTag           *string      `json:"idTag"`
	MeterStop       *int64       `json:"meterStop"`
	Timestamp       *string      `json:"timestamp"`
	TransactionID   *int64       `json:"transactionId"`
	Reason          *string      `json:"reason"`
	TransactionData []meterValue `json:"transactionData"`
}

func (r *stopReq) check() *FrameError {
	switch {
	case r.MeterStop == nil:
		return missing("meterStop")
	case *r.MeterStop < 0 || *r.MeterStop > charging.MaxRegisterWh:
		return badValue("meterStop must be between 0 and %d Wh, not %d", int64(charging.MaxRegisterWh), *r.MeterStop)
	case r.TransactionID == nil:
		return missing("transactionId")
	case r.Reason != nil && !slices.Contains(stopReasons, *r.Reason):
		return badValue("reason %q is not a stop Reason", *r.Reason)
	}
	return first(ciString("idTag", r.IDTag, 20, false), timeField("timestamp", r.Timestamp, true),
		checkMeterValues("transactionData", r.TransactionData))
}

type stopConf struct {
	IDTagInfo *idTagInfo `json:"idTagInfo,omitempty"`
}

type dataTransferReq struct {
	VendorID  *string `json:"vendorId"`
	MessageID *string `json:"messageId"`
	Data      *string `json:"data"`
}

func (r *dataTransferReq) check() *FrameError {
	return first(ciString("vendorId", r.VendorID, 255, true), ciString("messageId", r.MessageID, 50, false))
}

type dataTransferConf struct {
	Status string `json:"status"`
}

// statusConf is the reply of the commands parkd sends.
type statusConf struct {
	Status string `json:"status"`
}

// confirmations are the statuses OCPP 1.6 defines for each command's
// answer; another is the charger's fault, not a result to record.
var confirmations = map[string][]string{
	"RemoteStartTransaction": {"Accepted", "Rejected"},
	"RemoteStopTransaction":  {"Accepted", "Rejected"},
	"Reset":                  {"Accepted", "Rejected"},
	"UnlockConnector":        {"Unlocked", "UnlockFailed", "NotSupported"},
	"ChangeAvailability":     {"Accepted", "Rejected", "Scheduled"},
	"TriggerMessage":         {"Accepted", "Rejected", "NotImplemented"},
}

func (r *statusConf) check() *FrameError {
	if r.Status == "" {
		return missing("status")
	}
	return nil
}

// diagnosticsReq and firmwareReq are status reports parkd acknowledges.
type notificationReq struct {
	Status *string `json:"status"`
}

func (r *notificationReq) check() *FrameError { return ciString("status", r.Status, 50, true) }

// parseDecimal reads a sampled value: a decimal number as OCPP sends it
// ("1234", "12.5", "-0.3").
func parseDecimal(s string) (float64, error) {
	if len(s) == 0 || len(s) > 32 {
		return 0, strconv.ErrSyntax
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXpPeEnN_iI") {
		return 0, strconv.ErrSyntax
	}
	return v, nil
}
