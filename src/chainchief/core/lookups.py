"""``field__any_of=ids``: membership in a set of ids, written for PostgreSQL as one array parameter
(``col = ANY(%s)``) instead of one placeholder per id. The permission filter's region, chain and enterprise sets
run to a hundred ids and more (a province's regions), and building an ``IN (…)`` of that many parameters costs
more than running the query; elsewhere it is a plain ``IN``."""
from django.db.models import ForeignKey, IntegerField, Lookup


class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return sorted({int(v) for v in self.rhs})

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]
        if not self.rhs:
            return "1 = 0", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]


IntegerField.register_lookup(AnyOf)
ForeignKey.register_lookup(AnyOf)
