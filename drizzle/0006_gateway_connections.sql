CREATE TABLE "gateway_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"gateway_id" text NOT NULL,
	"transport" text NOT NULL,
	"client_ip" text,
	"opened_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "gateway_connections_user_idx" ON "gateway_connections" USING btree ("user_id","last_seen_at");