CREATE TABLE "flag_rollbacks" (
	"incident_key" text NOT NULL,
	"flag" text NOT NULL,
	"environment" text NOT NULL,
	"provider" text NOT NULL,
	"project" text NOT NULL,
	"service" text NOT NULL,
	"status" text NOT NULL,
	"previous_enabled" boolean,
	"target_enabled" boolean NOT NULL,
	"changed" boolean DEFAULT false NOT NULL,
	"requested_by" jsonb NOT NULL,
	"approved_by" jsonb,
	"emergency" boolean DEFAULT false NOT NULL,
	"reason" text NOT NULL,
	"rolled_back_at" timestamp with time zone,
	"restored_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flag_rollbacks_incident_key_flag_environment_pk" PRIMARY KEY("incident_key","flag","environment")
);
--> statement-breakpoint
CREATE TABLE "flag_snapshots" (
	"incident_key" text NOT NULL,
	"flag" text NOT NULL,
	"environment" text NOT NULL,
	"provider" text NOT NULL,
	"project" text NOT NULL,
	"service" text NOT NULL,
	"enabled" boolean,
	"recent_changes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"taken_at" timestamp with time zone NOT NULL,
	CONSTRAINT "flag_snapshots_incident_key_flag_environment_pk" PRIMARY KEY("incident_key","flag","environment")
);
--> statement-breakpoint
ALTER TABLE "flag_rollbacks" ADD CONSTRAINT "flag_rollbacks_incident_key_incidents_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."incidents"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_snapshots" ADD CONSTRAINT "flag_snapshots_incident_key_incidents_key_fk" FOREIGN KEY ("incident_key") REFERENCES "public"."incidents"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flag_rollbacks_status_idx" ON "flag_rollbacks" USING btree ("status");