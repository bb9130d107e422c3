namespace EstPortal.Data.Migrations.Sqlite;

/// <summary>
/// The device search's trigram index on SQLite (ADR 0026): an FTS5 table over Devices' Name and Description with the
/// <c>trigram</c> tokenizer, which answers a substring of three or more characters from its index. It is an external
/// content table (it stores no copy of the text; its rowid is the Devices rowid), kept in step by the triggers below;
/// <c>rebuild</c> fills it from the devices already there.
/// A later migration that makes EF Core rebuild the Devices table (copy, drop, rename) drops these triggers and may
/// renumber rowids: it must run <see cref="Drop"/> before and <see cref="Create"/> after (the device search tests
/// fail otherwise, since they search for devices added after every migration).
/// </summary>
internal static class DeviceSearchIndex
{
    public const string Create = """
        CREATE VIRTUAL TABLE "DeviceSearch" USING fts5("Name", "Description", content='Devices', content_rowid='rowid', tokenize='trigram');
        INSERT INTO "DeviceSearch"("DeviceSearch") VALUES ('rebuild');
        CREATE TRIGGER "Devices_SearchInsert" AFTER INSERT ON "Devices" BEGIN
            INSERT INTO "DeviceSearch"(rowid, "Name", "Description") VALUES (new.rowid, new."Name", new."Description");
        END;
        CREATE TRIGGER "Devices_SearchDelete" AFTER DELETE ON "Devices" BEGIN
            INSERT INTO "DeviceSearch"("DeviceSearch", rowid, "Name", "Description") VALUES ('delete', old.rowid, old."Name", old."Description");
        END;
        CREATE TRIGGER "Devices_SearchUpdate" AFTER UPDATE OF "Name", "Description" ON "Devices" BEGIN
            INSERT INTO "DeviceSearch"("DeviceSearch", rowid, "Name", "Description") VALUES ('delete', old.rowid, old."Name", old."Description");
            INSERT INTO "DeviceSearch"(rowid, "Name", "Description") VALUES (new.rowid, new."Name", new."Description");
        END;
        """;

    public const string Drop = """
        DROP TRIGGER IF EXISTS "Devices_SearchUpdate";
        DROP TRIGGER IF EXISTS "Devices_SearchDelete";
        DROP TRIGGER IF EXISTS "Devices_SearchInsert";
        DROP TABLE IF EXISTS "DeviceSearch";
        """;
}
