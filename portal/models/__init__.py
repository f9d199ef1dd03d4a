"""The data model, one module per aggregate. Importing this package registers every table."""
from portal.models.books import AnthologyBook, AnthologyPiece  # noqa: F401
from portal.models.elearning import Award, Comment, CommentReport, Confirmation  # noqa: F401
from portal.models.jobs import Job, JobState  # noqa: F401
from portal.models.mail import (  # noqa: F401
    DeliveryMode,
    MailDigest,
    MailPreference,
    MailState,
    Notification,
    OutboxMessage,
)
from portal.models.org import City, Kelurahan, Kmw, Province, Region, Team, TeamKind  # noqa: F401
from portal.models.people import AuditLog, PasswordToken, Role, RoleAssignment, User  # noqa: F401
from portal.models.pieces import (  # noqa: F401
    Extension,
    KnowledgeProduct,
    MediaFile,
    Photo,
    Piece,
    PieceForm,
    PieceStatus,
)
from portal.models.reviews import (  # noqa: F401
    Entry,
    EntryStatus,
    Panel,
    PanelMember,
    PanelMode,
    PanelStatus,
    Recusal,
    RubricInstrument,
    RubricVersion,
    Score,
    ScoreChange,
    ScoreSheet,
    SheetStatus,
    Tier,
)
from portal.models.rewards import Nomination, NominationRound  # noqa: F401
from portal.models.schedule import RunState, ScheduledRun  # noqa: F401
