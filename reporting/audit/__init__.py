"""The audit trail page: the change history of the records in an auditor's scope."""
