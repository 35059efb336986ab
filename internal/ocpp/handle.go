package ocpp

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"parkd/internal/charging"
	"parkd/internal/park"
)

// Actions a central system sends; a charger sending one is NotSupported.
var centralActions = []string{"CancelReservation", "ChangeAvailability", "ChangeConfiguration", "ClearCache",
	"ClearChargingProfile", "GetCompositeSchedule", "GetConfiguration", "GetDiagnostics", "GetLocalListVersion",
	"RemoteStartTransaction", "RemoteStopTransaction", "ReserveNow", "Reset", "SendLocalList", "SetChargingProfile",
	"TriggerMessage", "UnlockConnector", "UpdateFirmware"}

// ChargerActions are the CALLs a charger sends that parkd answers.
var ChargerActions = []string{"Authorize", "BootNotification", "DataTransfer", "DiagnosticsStatusNotification",
	"FirmwareStatusNotification", "Heartbeat", "MeterValues", "StartTransaction", "StatusNotification", "StopTransaction"}

// observe records how long a CALL took to answer, under its action when
// it is one a charger sends.
func (s *Server) observe(action string, d time.Duration) {
	if s.c.Metrics == nil {
		return
	}
	if !slices.Contains(ChargerActions, action) {
		action = "other"
	}
	s.c.Metrics.OCPPCall(action, d)
}

// handle answers one CALL of a charger, and says what to do once the
// charger has the answer.
func (s *Server) handle(ctx context.Context, c *conn, f *Frame) (*Frame, charging.FollowUp) {
	s.c.Charging.Seen(c.id)
	var then charging.FollowUp
	res, err := s.dispatch(ctx, c, f, &then)
	if err != nil {
		then = nil
	}
	return s.answer(c, f, res, err), then
}

// answer is the CALLRESULT of res, or the CALLERROR of err.
func (s *Server) answer(c *conn, f *Frame, res any, err error) *Frame {
	if err != nil {
		if fe, ok := err.(*FrameError); ok {
			return ErrorFrame(f.ID, fe.Code, fe.Message)
		}
		s.c.Log.Warn("ocpp: handling a message", "id", c.id, "action", f.Action, "err", err)
		if park.IsCode(err, park.EUnavailable) {
			return ErrorFrame(f.ID, ErrInternal, "temporarily unavailable; send it again")
		}
		return ErrorFrame(f.ID, ErrInternal, "the central system could not handle the message")
	}
	out, err := Result(f.ID, res)
	if err != nil {
		return ErrorFrame(f.ID, ErrInternal, "the central system could not encode its answer")
	}
	return out
}

func (s *Server) now() string { return s.c.Now().UTC().Format(time.RFC3339) }

// hasConnector refuses, as the frame's fault, a connector the charger
// does not have.
func (s *Server) hasConnector(ctx context.Context, id string, connector int) error {
	ch, err := s.c.Charging.Charger(ctx, id)
	if err != nil {
		return err
	}
	if connector > ch.Connectors {
		return &FrameError{Code: ErrPropertyConstraintViolation, Message: "connectorId is above the charger's connectors"}
	}
	return nil
}

// dispatch handles a CALL; what must wait until the charger has the
// answer goes in then.
func (s *Server) dispatch(ctx context.Context, c *conn, f *Frame, then *charging.FollowUp) (any, error) {
	cs := s.c.Charging
	switch f.Action {
	case "BootNotification":
		var r bootReq
		if err := DecodePayload(f.ID, f.Payload, &r); err != nil {
			return nil, err
		}
		fw := ""
		if r.FirmwareVersion != nil {
			fw = *r.FirmwareVersion
		}
		status := "Accepted"
		if _, err := cs.Booted(ctx, c.id, *r.ChargePointVendor, *r.ChargePointModel, fw); err != nil {
			if !park.IsCode(err, park.ENotFound) && !park.IsCode(err, park.EConflict) {
				return nil, err
			}
			status = "Rejected" // retired or removed since it connected
		}
		// One interval for every charger: another node's sweep judges
		// a charger silent by it (charging.SilentAfter).
		return bootConf{Status: status, CurrentTime: s.now(), Interval: int(charging.HeartbeatInterval / time.Second)}, nil
	case "Heartbeat":
		if err := DecodePayload(f.ID, f.Payload, &empty{}); err != nil {
			return nil, err
		}
		if err := cs.Heartbeat(ctx, c.id); err != nil {
			return nil, err
		}
		return heartbeatConf{CurrentTime: s.now()}, nil
	case "StatusNotification":
		var r statusReq
		if err := DecodePayload(f.ID, f.Payload, &r); err != nil {
			return nil, err
		}
		if err := s.hasConnector(ctx, c.id, *r.ConnectorID); err != nil {
			return nil, err
		}
		if _, err := cs.ConnectorStatus(ctx, c.id, *r.ConnectorID, *r.Status, *r.ErrorCode); err != nil {
			return nil, err
		}
		return struct{}{}, nil
	case "Authorize":
		var r authorizeReq
		if err := DecodePayload(f.ID, f.Payload, &r); err != nil {
			return nil, err
		}
		st, err := cs.Authorize(ctx, c.id, *r.IDTag)
		if err != nil {
			return nil, err
		}
		return authorizeConf{IDTagInfo: tagInfo(st)}, nil
	case "StartTransaction":
		var r startReq
		if err := DecodePayload(f.ID, f.Payload, &r); err != nil {
			return nil, err
		}
		if err := s.hasConnector(ctx, c.id, *r.ConnectorID); err != nil { // a wrong connector, not a wrong card
			return nil, err
		}
		txID, st, err := cs.ChargerStarted(ctx, charging.Started{ChargerID: c.id, Connector: *r.ConnectorID, IDTag: *r.IDTag,
			MeterStart: *r.MeterStart, At: parseTime(r.Timestamp)})
		if err != nil {
			return nil, err
		}
		return startConf{IDTagInfo: tagInfo(st), TransactionID: txID}, nil
	case "MeterValues":
		var r meterValuesReq
		if err := DecodePayload(f.ID, f.Payload, &r); err != nil {
			return nil, err
		}
		if r.TransactionID != nil {
			rs, full := readings(r.MeterValue)
			var err error
			if *then, err = cs.Metered(ctx, c.id, *r.TransactionID, rs, full); err != nil {
				return nil, err
			}
		}
		return struct{}{}, nil
	case "StopTransaction":
		var r stopReq
		if err := DecodePayload(f.ID, f.Payload, &r); err != nil {
			return nil, err
		}
		rs, full := readings(r.TransactionData)
		reason := 0
		if r.Reason != nil {
			reason = endReasons[*r.Reason]
		}
		err := cs.ChargerStopped(ctx, charging.Stopped{ChargerID: c.id, TxID: *r.TransactionID, MeterStop: *r.MeterStop,
			At: parseTime(r.Timestamp), Reason: reason, Full: full, Readings: rs})
		if err != nil {
			return nil, err
		}
		if r.IDTag != nil {
			ans, err := cs.StopTag(ctx, c.id, *r.IDTag)
			if err != nil {
				return nil, err
			}
			info := tagInfo(ans)
			return stopConf{IDTagInfo: &info}, nil
		}
		return stopConf{}, nil
	case "DataTransfer":
		var r dataTransferReq
		if err := DecodePayload(f.ID, f.Payload, &r); err != nil {
			return nil, err
		}
		return dataTransferConf{Status: "UnknownVendorId"}, nil
	case "DiagnosticsStatusNotification", "FirmwareStatusNotification":
		var r notificationReq
		if err := DecodePayload(f.ID, f.Payload, &r); err != nil {
			return nil, err
		}
		return struct{}{}, nil
	}
	if slices.Contains(centralActions, f.Action) {
		return nil, &FrameError{Code: ErrNotSupported, Message: f.Action + " is sent by a central system, not to one"}
	}
	return nil, &FrameError{Code: ErrNotImplemented, Message: "unknown action " + f.Action}
}

// tagInfo is an id tag's answer in OCPP's words (AuthorizationStatus),
// with expiryDate when it is accepted for a limited time, so a charger's
// authorization cache lets the tag go then.
func tagInfo(a charging.TagAnswer) idTagInfo {
	switch a.Status {
	case charging.TagAccepted:
		info := idTagInfo{Status: "Accepted"}
		if a.Until != nil {
			info.ExpiryDate = a.Until.UTC().Format(time.RFC3339)
		}
		return info
	case charging.TagBlocked:
		return idTagInfo{Status: "Blocked"}
	case charging.TagExpired:
		return idTagInfo{Status: "Expired"}
	}
	return idTagInfo{Status: "Invalid"}
}

// endReasons maps OCPP stop reasons to parkd's end reasons; Remote (parkd
// asked) and a missing reason keep parkd's own; a full session ends as full
// (charging.Service.ChargerStopped).
var endReasons = map[string]int{
	"EmergencyStop": park.EndFault, "EVDisconnected": park.EndUnplugged, "HardReset": park.EndFault,
	"Local": park.EndManual, "Other": park.EndManual, "PowerLoss": park.EndFault, "Reboot": park.EndFault,
	"Remote": 0, "SoftReset": park.EndFault, "UnlockCommand": park.EndManual, "DeAuthorized": park.EndManual,
}

// readings turns meter values into register readings: the energy
// register (Energy.Active.Import.Register, the default measurand) in Wh,
// with the power (Power.Active.Import) when sent (-1 when not),
// whole-charger values only (per-phase ones are left out). full is a
// state of charge of 100 %.
func readings(mvs []meterValue) (out []park.MeterReading, full bool) {
	for _, mv := range mvs {
		at := parseTime(mv.Timestamp)
		energy, power := int64(-1), int64(-1)
		for _, sv := range mv.SampledValue {
			if sv.Phase != nil || sv.Format != nil && *sv.Format == "SignedData" {
				continue
			}
			v, err := parseDecimal(*sv.Value)
			if err != nil || v < 0 || v > 1e12 {
				continue
			}
			unit := ""
			if sv.Unit != nil {
				unit = *sv.Unit
			}
			measurand := "Energy.Active.Import.Register"
			if sv.Measurand != nil {
				measurand = *sv.Measurand
			}
			switch measurand {
			case "Energy.Active.Import.Register":
				energy = scaled(v, unit, "kWh")
			case "Power.Active.Import":
				power = scaled(v, unit, "kW")
			case "SoC":
				full = full || v >= 100
			}
		}
		if energy >= 0 {
			out = append(out, park.MeterReading{At: at, EnergyWh: energy, PowerW: power})
		}
	}
	return out, full
}

// scaled is v in the base unit (Wh, W): a kilo unit is multiplied by 1000.
func scaled(v float64, unit, kilo string) int64 {
	if strings.EqualFold(unit, kilo) {
		v *= 1000
	}
	return int64(math.Round(v))
}
