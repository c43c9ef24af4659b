package dev.ripple.cache;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "cell_flags")
class CellFlagsRecord extends PanacheEntityBase {
    @Id
    @Column(name = "cell_id")
    public String cellId;
    @Column(name = "flags_json")
    public String flagsJson;
}
