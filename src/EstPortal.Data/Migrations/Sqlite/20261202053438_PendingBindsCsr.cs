using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EstPortal.Data.Migrations.Sqlite
{
    /// <summary>
    /// A pending request is found by the SHA-256 of its CSR, not by its key: what the operator approves is that CSR, and
    /// another CSR with the same key is another request (ADR 0013). SQL cannot hash on SQLite, so rows from before get a
    /// placeholder that no request's hash can equal ("legacy:" + id, unique, so the new index holds); the start-up
    /// backfill (PendingCsrHashBackfill) then stores each one's real hash in C#. Until it has, such a row matches nothing.
    /// </summary>
    public partial class PendingBindsCsr : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PendingEnrollments_ProfileId_RequesterKey_PublicKeySha256",
                table: "PendingEnrollments");

            migrationBuilder.AddColumn<string>(
                name: "CsrSha256",
                table: "PendingEnrollments",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.Sql("""UPDATE "PendingEnrollments" SET "CsrSha256" = 'legacy:' || lower("Id");""");

            migrationBuilder.CreateIndex(
                name: "IX_PendingEnrollments_ProfileId_RequesterKey_CsrSha256",
                table: "PendingEnrollments",
                columns: new[] { "ProfileId", "RequesterKey", "CsrSha256" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PendingEnrollments_ProfileId_RequesterKey_CsrSha256",
                table: "PendingEnrollments");

            migrationBuilder.DropColumn(
                name: "CsrSha256",
                table: "PendingEnrollments");

            migrationBuilder.CreateIndex(
                name: "IX_PendingEnrollments_ProfileId_RequesterKey_PublicKeySha256",
                table: "PendingEnrollments",
                columns: new[] { "ProfileId", "RequesterKey", "PublicKeySha256" },
                unique: true);
        }
    }
}
