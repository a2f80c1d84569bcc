CREATE TABLE "instances" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"project" text,
	"environment" text,
	"server_id" uuid NOT NULL,
	"container" text NOT NULL,
	"status" text DEFAULT 'provisioning' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "instances_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "servers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"endpoint" text NOT NULL,
	"tls_ca" text,
	"tls_cert" text,
	"tls_key_encrypted" text,
	"ssh_private_key_encrypted" text,
	"ssh_password_encrypted" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "servers_org_name_unique" UNIQUE("org_id","name")
);
--> statement-breakpoint
CREATE TABLE "gateway_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"instance_slug" text NOT NULL,
	"key_fingerprint" text,
	"transport" text NOT NULL,
	"client_ip" text,
	"kind" text,
	"command" text,
	"gateway_id" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"bytes_in" bigint DEFAULT 0 NOT NULL,
	"bytes_out" bigint DEFAULT 0 NOT NULL,
	"exit_status" integer,
	"end_reason" text
);
--> statement-breakpoint
CREATE TABLE "session_recordings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"gateway_session_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"instance_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"mode" text NOT NULL,
	"includes_input" boolean DEFAULT false NOT NULL,
	"path" text,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instances" ADD CONSTRAINT "instances_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "servers" ADD CONSTRAINT "servers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "instances_org_idx" ON "instances" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "instances_server_idx" ON "instances" USING btree ("server_id");--> statement-breakpoint
CREATE INDEX "servers_org_idx" ON "servers" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "gateway_sessions_user_open_idx" ON "gateway_sessions" USING btree ("user_id","ended_at");--> statement-breakpoint
CREATE INDEX "gateway_sessions_instance_idx" ON "gateway_sessions" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "session_recordings_instance_idx" ON "session_recordings" USING btree ("instance_id","started_at");