package ebopark

// listOps are the monthly pass (3.2.4), whitelist (3.2.11) and special
// vehicle (3.2.13) operations.
func (h *Handler) listOps() map[string]operation {
	return map[string]operation{}
}
