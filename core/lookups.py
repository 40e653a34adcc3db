"""The one lookup of an integer column that Django leaves to the database: ``in``."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerIn(In):
    """``in`` on an integer column (keys included), leaving out the values no row can hold, as
    Django's own ``exact`` on one does (IntegerFieldOverflow) by finding nothing. SQLite cannot
    bind an integer past 64 bits: a form or an admin page looking up with ``pk__in`` the keys a
    browser sent would otherwise answer a key of 40 digits with a server error."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or low <= value) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
