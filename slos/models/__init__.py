from slos.models.alert_labels import ServiceAlertLabels
from slos.models.data_sources import DataSource
from slos.models.impacts import IncidentImpact
from slos.models.objectives import SLO, ListedSLO, SLOQuerySet
from slos.models.reports import MonthlyResult, QueuedMonth
from slos.models.snapshots import Snapshot, SnapshotQuerySet

__all__ = ["SLO", "DataSource", "IncidentImpact", "ListedSLO", "MonthlyResult", "QueuedMonth",
           "SLOQuerySet", "ServiceAlertLabels", "Snapshot", "SnapshotQuerySet"]
