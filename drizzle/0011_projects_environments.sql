CREATE TABLE "environments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "environments_project_name_unique" UNIQUE("project_id","name")
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "projects_org_name_unique" UNIQUE("org_id","name")
);
--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "environment_id" uuid;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "environments" ADD CONSTRAINT "environments_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "environments_org_idx" ON "environments" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "projects_org_idx" ON "projects" USING btree ("org_id");--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "instances_environment_idx" ON "instances" USING btree ("environment_id");--> statement-breakpoint
-- Data migration: every instance keeps its place. The free-text project and environment it named become
-- records of its org (a missing or blank name becomes "default"), dated by the earliest instance that
-- named them; then the instance points at its environment and the text columns go.
INSERT INTO "projects" ("org_id", "name", "created_at", "updated_at")
SELECT "org_id", coalesce(nullif(btrim("project"), ''), 'default'), min("created_at"), min("created_at")
FROM "instances"
GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO "environments" ("org_id", "project_id", "name", "created_at", "updated_at")
SELECT i."org_id", p."id", coalesce(nullif(btrim(i."environment"), ''), 'default'), min(i."created_at"), min(i."created_at")
FROM "instances" i
JOIN "projects" p ON p."org_id" = i."org_id" AND p."name" = coalesce(nullif(btrim(i."project"), ''), 'default')
GROUP BY 1, 2, 3;--> statement-breakpoint
UPDATE "instances" i SET "environment_id" = e."id"
FROM "environments" e
JOIN "projects" p ON p."id" = e."project_id"
WHERE p."org_id" = i."org_id"
	AND p."name" = coalesce(nullif(btrim(i."project"), ''), 'default')
	AND e."name" = coalesce(nullif(btrim(i."environment"), ''), 'default');--> statement-breakpoint
ALTER TABLE "instances" ALTER COLUMN "environment_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "instances" DROP COLUMN "project";--> statement-breakpoint
ALTER TABLE "instances" DROP COLUMN "environment";