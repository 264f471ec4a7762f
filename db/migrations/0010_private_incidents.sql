ALTER TABLE "incidents" ADD COLUMN "private" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "members" jsonb DEFAULT '[]'::jsonb NOT NULL;